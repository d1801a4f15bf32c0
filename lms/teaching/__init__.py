"""Teaching: course instructors (pengajar), grading essays, and questions to the instructor."""
