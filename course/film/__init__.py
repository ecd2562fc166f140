"""The film: a page (/film), a block for lessons (```film), and counts of starts and finishes.

- production/: offline only, never imported by the app. production/story.py is the default
  film's story, the one source of its pictures, narration, captions, descriptions and
  transcript; production/build.py turns it into static/film/ (`make film`).
- media.py: reads static/film/manifest.json (swap the film by replacing those files).
- external.py: the optional YouTube (privacy-enhanced) or Vimeo (do-not-track) player, shown
  only behind a click-to-load facade on /film, the one page whose CSP may frame it.
- models.py, events.py, routes.py: the page and the "started"/"finished" counts.
"""
