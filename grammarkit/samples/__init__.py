"""Sample tool inputs: reading sample files, checking them with both engines, and
drawing new ones from the grammar."""
