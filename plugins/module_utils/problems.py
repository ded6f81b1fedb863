# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one error of invalid input: every problem found, each naming its field.

Why one class: the rules in module_utils check everything before any AWS call and report all
problems at once; modules turn ``problems`` into fail_json(problems=...), filters into an
AnsibleFilterError. The per-area errors (log groups, Athena, Glue tables, policies, destination
types) are subclasses, so a caller can catch this one.
"""


class ProblemsError(ValueError):
    """Invalid input; ``problems`` lists every problem found (a string is one problem)."""

    def __init__(self, problems):
        if isinstance(problems, str):
            problems = [problems]
        self.problems = list(problems)
        super(ProblemsError, self).__init__(self.describe(self.problems))

    @staticmethod
    def describe(problems):
        """The message: the problems joined (a subclass may number them)."""
        return "; ".join(problems)
