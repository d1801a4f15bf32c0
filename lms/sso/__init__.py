"""Single sign-on with OpenID Connect (the provincial identity provider, e.g. Keycloak)."""
