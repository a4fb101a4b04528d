"""Paper questionnaires keyed in twice by clerks; a form counts once both keyings agree."""
