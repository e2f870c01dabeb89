"""Technology plugged into the application's ports."""
