from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    """The claims a company's provider sends: a verified e-mail address and a preferred username."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "employee_id": "profile"}

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": True,
            "preferred_username": user.username,
            "employee_id": f"E{user.pk:05d}",
        }
