"""Build-time help for `build.spec` (PyInstaller); not part of the installed app."""
