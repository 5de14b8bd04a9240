"""Process managers: they decide (commands with operation ids), act through ports, and report."""
