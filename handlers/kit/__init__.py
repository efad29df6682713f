"""What every platform adapter needs, written once: reading typed text as commands or answers."""
