"""Single sign-on with the kommun's OpenID Connect provider (Authlib): the client and account matching."""
