"""Analytics over a snapshot of the store (DuckDB over Arrow); never imports streamlit. Built in the cockpit issue."""
