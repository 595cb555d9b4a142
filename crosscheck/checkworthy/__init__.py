"""Training and evaluation of the check-worthiness model (``crosscheck checkworthy``)."""
