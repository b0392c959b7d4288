"""Set up the test provider's database: `python -m tests.oidc_provider.prepare` migrates; with arguments it adds
a person (`user NAME EMAIL PASSWORD`) or a client application (`client ID SECRET REDIRECT_URI`)."""

import sys

import django


def main(argv: list[str]) -> None:
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import Application

    if not argv:
        call_command("migrate", verbosity=0)
    elif argv[0] == "user":
        name, email, password = argv[1:]
        get_user_model().objects.create_user(username=name, email=email, password=password)
    elif argv[0] == "client":
        client_id, secret, redirect_uri = argv[1:]
        Application.objects.create(
            name="wareview",
            client_id=client_id,
            client_secret=secret,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=redirect_uri,
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
