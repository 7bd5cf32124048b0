"""Every state change of the domain, one verb_object function each (API, flows, admin and tasks call these)."""
