"""SATUSEHAT FHIR exchange."""
