"""Course authoring in the browser."""
