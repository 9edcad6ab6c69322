"""The SVG charts of a dossier: org chart, power map, stage ladder."""
