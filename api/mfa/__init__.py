"""The second factor: TOTP for local accounts, recovery codes, and the kommun's requirement."""
