"""The Content-Security-Policy (course/security/headers.py): the film page may add one frame
host, and nothing else."""

from __future__ import annotations

import pytest

from course.security.headers import CONTENT_SECURITY_POLICY, content_security_policy


def test_the_film_csp_adds_only_the_one_frame_host() -> None:
    assert content_security_policy() == CONTENT_SECURITY_POLICY
    widened = content_security_policy(frame_src="https://www.youtube-nocookie.com")
    assert widened == CONTENT_SECURITY_POLICY + "; frame-src https://www.youtube-nocookie.com"
    for bad in ("*", "https://a.example https://b.example", "https://a.example; script-src *"):
        with pytest.raises(ValueError):
            content_security_policy(frame_src=bad)
