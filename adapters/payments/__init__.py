"""Payment providers; the development one approves every purchase."""
