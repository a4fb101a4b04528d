"""The annual report to Sở Nội vụ: a Vietnamese DOCX built from the plan's figures."""
