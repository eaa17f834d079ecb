"""What every page and route shares above the domains: who is asking and what they may do (deps),
the page layout (layout) and the login, logout and kommun switch pages (pages)."""
