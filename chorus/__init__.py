"""Chorus Pro (French public-sector platform): client and local simulator."""
