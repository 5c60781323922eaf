"""Pure algorithms of the meetings system (no Django import): conflict detection, the
nearest free windows, weekly series with exceptions."""
