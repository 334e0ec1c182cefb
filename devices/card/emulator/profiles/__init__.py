"""Sample card profiles (fictional people) and the portrait they share; a package so the files install with it."""
