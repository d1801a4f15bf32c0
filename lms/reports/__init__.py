"""HR reports: completion by unit, course and person, JP against 20, charts and exports."""
