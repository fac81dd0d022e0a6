"""Children's social care workforce reporting."""
