"""Live classroom sessions: the teacher's projector leads, pupils' devices follow."""
