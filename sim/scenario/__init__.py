"""The scenario language: YAML files that say who the sides are, what they hold, how they behave
and when they meet."""
