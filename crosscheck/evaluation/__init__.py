"""Quality figures on labelled real news, computed with the workers' own extract and verify
code: veracity (Emergent format), linking (FNC-1 format) and same-fact evidence."""
