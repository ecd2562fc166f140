"""The film's offline production: builds the default film in static/film/ with `make film`.

story.py is the one source of the film's pictures, narration, captions, descriptions and
transcript; captions.py writes and reads its WebVTT; build.py speaks, draws (frame.html) and
encodes it. Run by hand only, never by `make test`, and never imported by the app: the app reads
the committed files in static/film/ through course/film/media.py.
"""
