"""Voice guidance: the text normaliser in front of the synthesiser and the guide the UI talks to."""
