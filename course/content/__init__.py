"""Course content: lessons and quizzes read from files into an immutable catalogue."""
