"""The demo kommun: real SCB areas for Örebro and SYNTHETIC reports (see ``api/demo/README.md``)."""
