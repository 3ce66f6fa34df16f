"""DHIS2 aggregate exchange."""
