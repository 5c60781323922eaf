"""Use cases of the digital stores, one module per topic (shops, catalogue, orders, hubs,
reviews, KPIs). Every write is one function with a keyword-only ``actor``."""
