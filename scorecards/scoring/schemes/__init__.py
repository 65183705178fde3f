"""One module per scoring scheme: its arithmetic, how its items are read, and its ``SCHEME``
(scale and default band table). ``scorecards.scoring.registry`` names them."""
