"""What Salesforce's and HubSpot's standard reports call things: stages, and the columns of each field.

The stage table is the default of ``import.stages`` (kaplan.yaml adds to it and overrides it); the
README lists it. Column names are those of the CRMs' standard contact and opportunity (deal) reports,
as their exports write them; the first one a report has is used.
"""

from __future__ import annotations

from typing import Literal

Crm = Literal["salesforce", "hubspot"]
Target = int | str  # a stage 1–8, or "won" / "lost" / "no_decision"

# The standard stages of each CRM's default sales process, on the 8-stage buying process.
DEFAULT_STAGES: dict[Crm, dict[str, Target]] = {
    "salesforce": {
        "Prospecting": 1,
        "Qualification": 2,
        "Needs Analysis": 3,
        "Value Proposition": 4,
        "Id. Decision Makers": 4,
        "Perception Analysis": 5,
        "Proposal/Price Quote": 5,
        "Negotiation/Review": 7,
        "Closed Won": "won",
        "Closed Lost": "lost",
    },
    "hubspot": {
        "Appointment Scheduled": 2,
        "Qualified To Buy": 3,
        "Presentation Scheduled": 5,
        "Decision Maker Bought-In": 6,
        "Contract Sent": 7,
        "Closed Won": "won",
        "Closed Lost": "lost",
    },
}

# Each field, and the column names the CRM's standard reports give it (first found wins).
CONTACT_COLUMNS: dict[Crm, dict[str, tuple[str, ...]]] = {
    "salesforce": {
        "first": ("First Name",),
        "last": ("Last Name",),
        "name": ("Full Name", "Contact Name", "Name"),
        "account": ("Account Name", "Account: Account Name", "Account"),
        "title": ("Title",),
        "department": ("Department",),
        "email": ("Email",),
        "phone": ("Phone", "Business Phone", "Mobile", "Mobile Phone"),
        "reports_to": ("Reports To", "Reports To: Full Name", "Reports To Name"),
    },
    "hubspot": {
        "first": ("First Name",),
        "last": ("Last Name",),
        "name": ("Full Name", "Name"),
        "account": ("Company Name", "Associated Company", "Associated Company (Primary)", "Company"),
        "title": ("Job Title",),
        "department": ("Department",),
        "email": ("Email",),
        "phone": ("Phone Number", "Mobile Phone Number"),
        "reports_to": ("Reports To",),
    },
}
DEAL_COLUMNS: dict[Crm, dict[str, tuple[str, ...]]] = {
    "salesforce": {
        "name": ("Opportunity Name",),
        "account": ("Account Name", "Account: Account Name", "Account"),
        "stage": ("Stage",),
        "amount": ("Amount", "Amount (converted)"),
        "currency": ("Opportunity Currency", "Amount Currency", "Currency"),
        "close": ("Close Date",),
        "probability": ("Probability (%)", "Probability"),
    },
    "hubspot": {
        "name": ("Deal Name",),
        "account": ("Associated Company", "Associated Company (Primary)", "Company Name", "Company"),
        "stage": ("Deal Stage",),
        "amount": ("Amount",),
        "currency": ("Currency", "Deal Currency Code"),
        "close": ("Close Date",),
        "probability": ("Deal probability", "Probability"),
    },
}
