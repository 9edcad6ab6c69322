"""Plans as documents: the theme, views, labels, charts and PDF."""
