"""What leaves the system: CSV / xlsx tables (`tables`), monthly PDF reports (`pdf`), the SIP
registers format 1-5 (`sip`) and the measurement export for data teams (`measurements`).
Every caller logs the export (audit.recorder.log("export"))."""
