"""Go-live (DESIGN §9): the opening entries a county loads when it starts mid-year, and from when the
history of each stock is known."""
