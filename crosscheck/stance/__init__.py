"""Training and evaluating the stance model on FNC-1 (``crosscheck stance ...``); the
workers load the trained artifact through ``services.verify.stance`` and never import this."""
