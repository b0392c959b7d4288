"""A walk through wareview's JSON API alone: create a workload, start a review, answer every question, and
download the review's PDF report. Standard library only.

    python docs/api-example.py --url http://127.0.0.1:8000 --token wrv_… --team 1 --output report.pdf

The token is a read-and-write personal API token (your account → API tokens); the team is one where you are an
owner or a contributor. The API's reference is at /api/v1/docs.
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


class Api:
    def __init__(self, url: str, token: str) -> None:
        self.base = url.rstrip("/") + "/api/v1"
        self.token = token

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            message = json.loads(error.read() or b"{}").get("message", error.reason)
            raise SystemExit(f"{method} {path}: {error.code} {message}") from None

    def json(self, method: str, path: str, body: dict | None = None) -> dict:
        return json.loads(self.call(method, path, body)[1])


def walk(api: Api, *, team: int, workload_name: str, output: Path, lens_slug: str = "") -> Path:
    """The whole walk; returns where the PDF was written."""
    lenses = api.json("GET", "/lenses?per_page=100")["items"]
    lens = next((lens for lens in lenses if lens["slug"] == lens_slug), lenses[0]) if lens_slug else lenses[0]
    # Tags are normalized as in the browser: these become "api-example" and "performance".
    fields = {"team": team, "name": workload_name, "environment": "production", "tags": ["API example", "Performance"]}
    workload = api.json("POST", "/workloads", fields)
    review = api.json("POST", f"/workloads/{workload['id']}/reviews", {"lens": lens["id"]})
    practices = _practices(api.json("GET", f"/lenses/{lens['id']}/export"))
    for area in review["areas"]:
        for question in area["questions"]:
            body = {"version": question["version"], "selected": practices[question["code"]], "notes": "Via the API"}
            api.json("PUT", f"/reviews/{review['id']}/answers/{question['code']}", body)
    report = api.json("POST", f"/reviews/{review['id']}/reports", {})
    deadline = time.monotonic() + 300
    while report["status"] not in ("ready", "failed") and time.monotonic() < deadline:
        time.sleep(1)
        report = api.json("GET", f"/reports/{report['id']}")
    if report["status"] != "ready":
        raise SystemExit(f"The report did not become ready: {report['status']} {report['error']}")
    _, pdf = api.call("GET", f"/reports/{report['id']}/pdf")
    output.write_bytes(pdf)
    return output


def _practices(document: dict) -> dict[str, list[str]]:
    """Every best practice of each question (all followed: this example answers with no risk), from the lens JSON."""
    return {
        question["id"]: [choice["id"] for choice in question["choices"] if choice["title"] != "None of these"]
        for pillar in document["pillars"]
        for question in pillar["questions"]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="where wareview runs, e.g. http://127.0.0.1:8000")
    parser.add_argument("--token", required=True, help="a read-and-write personal API token")
    parser.add_argument("--team", type=int, required=True, help="the id of a team you own or contribute to")
    parser.add_argument("--workload", default="Example workload", help="the new workload's name")
    parser.add_argument("--lens", default="", help="the slug of the lens to review against (default: the first)")
    parser.add_argument("--output", type=Path, default=Path("report.pdf"), help="where to write the PDF")
    args = parser.parse_args()
    path = walk(
        Api(args.url, args.token), team=args.team, workload_name=args.workload, output=args.output, lens_slug=args.lens
    )
    print(f"Wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
