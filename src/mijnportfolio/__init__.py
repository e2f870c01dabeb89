"""MijnPortfolio: the exam platform of Dutch vocational schools (MBO)."""
