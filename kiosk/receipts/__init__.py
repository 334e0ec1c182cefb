"""Paper for the citizen: receipts, exam tickets and help slips built from the kiosk's records (`desk`), rendered
for the configured paper and sent to the printer (`documents`), and remembered when the printer failed so a
counter slip follows when it is back (`recovery`)."""
