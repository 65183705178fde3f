"""Files in and out of a contract: ``pdf`` (the contract PDF: what it prints and how it is rendered),
``importing`` (a draft's targets from a CSV or XLSX file) and ``uploads`` (reading such a file within
its limits). Asking for a PDF is ``contracts.printing``, above this package and the Celery task."""
