"""The read-only web pages: verdicts, claims and articles for people, server-rendered."""
