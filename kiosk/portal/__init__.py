"""The kiosk\x27s portal adapter (provincial-system contract), its sender for the queue, and a simulator."""
