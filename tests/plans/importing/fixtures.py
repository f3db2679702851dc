"""Tables shaped like the three real plans (/work/shared/plans), as `files.read_tables` gives them.

Text is the published text, word for word, except where the text extraction broke a word across a
line ("Adams- Cook"): a Word cell holds it whole. Paragraphs in a cell are lines; Word bullet
paragraphs come as "• " lines; merged cells repeat their text across the row. Each builder keeps its
plan's quirks: Stevenage's page break in the middle of 1.1's progress (a row continued on the next
row), its priority 2 table split in two (the second part without its heading row), a priority
heading row spanning the table, leads in one cell, dates in words; East Herts' section rows spanning
the table and its second heading row (Quarter 1-4); Hastings' heading row repeated on each page.

`other_plan_tables` is not one of the three: it is shaped like the plans DOMAIN.md says others write
(milestones with a completion date each, leads as Organisation / Jobholder title / Reporting officer).
"""

from __future__ import annotations

from plans.importing.drafts import RawTable
from plans.importing.layout import EXPORT_COLUMNS


def table(source: str, rows: list[list[str]], *, headings_before: list[str] | None = None, first_row: int = 1):
    width = max(len(row) for row in rows)
    padded = [row + [""] * (width - len(row)) for row in rows]
    return RawTable(
        source=source,
        rows=padded,
        row_numbers=list(range(first_row, first_row + len(rows))),
        headings_before=headings_before or [],
    )


def spanning(text: str, width: int) -> list[str]:
    return [text] * width


# Stevenage 2014/15 ---------------------------------------------------------------------------------------

STEVENAGE_HEADING = [
    "Objectives / aims",
    "Objectives / aims",
    "Lead",
    "When by",
    "Resource",
    "Expected outcomes / outputs",
    "Action taken and progress (to be updated by lead officer each quarter)",
    "status",
]
STEVENAGE_HEADING_LATER = [
    *STEVENAGE_HEADING[:6],
    "Action taken and progress (to be updated each quarter)",
    "",
]

S_1_1_PROGRESS_PAGE_1 = (
    "The DART project has begun (6 month pilot) – aimed at child victims / witnesses and run in conjunction "
    "with NSPCC. Plans underway for a multi agency conference in November – themed around the child's "
    "experience of DV at different stages of childhood.\n"
    "IDVA is available at SBC once every two weeks. It is hoped to increase this service.\n"
    "Under the DHR action plan – SBC procedure in place for responding to DV disclosure. Training in place "
    "for relevant staff in use of DASH RIC.\n"
    "Coordinator is now in place to organise case"
)
S_1_1_PROGRESS_PAGE_2 = (
    "management meetings regarding low risk DV victims (below MARAC threshold). Herts Change is underway, with "
    "8 perpetrators involved in the programme. Installation (by HFRS) of arson proof letterboxes for people "
    "identified as 'at risk'. Insp Tabert contacted Herts Women's Centre re previous agreement around ride "
    "along by HWC staff – awaiting response."
)


def stevenage_tables() -> list[RawTable]:
    priority_1 = table(
        "Table 1",
        [
            STEVENAGE_HEADING,
            [
                "1.1",
                "Support the work of the DA coordinator, strategy and action plan and ensure two way "
                "communications, in order to: continue awareness raising initiatives increase reporting "
                "decrease repeat offending.",
                "SBC Alex Hepton",
                "March 2015",
                "• Existing resources / officer time.\n• External funding streams.",
                "• At least one campaign undertaken this year.\n• 20% annual decrease in offending by Stevenage "
                "perpetrators involved in Herts Change (after year one).",
                S_1_1_PROGRESS_PAGE_1,
                "1.\n2.",
            ],
            ["", "", "", "", "", "", S_1_1_PROGRESS_PAGE_2, ""],
            [
                "1.2",
                "Improve information and data sharing in particular with Lister hospital, CCG and local GP "
                "surgeries.\nCommission regular or ad hoc data analysis when required.",
                "SBC Debbie Barker in conjunction with CCSU Sarah Taylor",
                "Summer 2014\nAs required.",
                "• Existing resources / officer time.\n• Police data analysis for quarterly monitoring.\n"
                "• NHS data – Cardiff Model.\n• CCSU data analysts.\n• CCG data",
                "• Quarterly reports received from health starting summer 2014 – report to RAG.\n"
                "• CCSU 5 year analysis complete by April 2014. Report to RAG July 2014.",
                "No data analysis requested this quarter – strategic assessment risk matrix received.\nLister update?",
                "1.\n2.",
            ],
            [
                "1.3",
                "Monitor and progress DHR action plan (AA)",
                "RAG Debbie Barker",
                "Quarterly",
                "Existing resources / officer time",
                "1. Quarterly monitoring process devised by June 2014, in order to provide agency updates to "
                "RAG.\n2. Improved process and interagency communication – evaluation of action plan outcomes to "
                "be started in May 2015.",
                "Updates will be presented at 27 Oct RAG meeting.",
                "1.\n2.",
            ],
        ],
        headings_before=[
            "Stevenage Community Safety Partnership",
            "Action plan 2014/15",
            "1. Domestic abuse",
            "Lead Agency: Stevenage Borough Council",
            "Indicators: domestic abuse crimes per 1000 head of population, number of police recorded crimes",
        ],
        first_row=1,
    )
    priority_2 = table(
        "Table 2",
        [
            spanning(
                "2. Acquisitive crime (with a partnership focus on shoplifting, robbery, and theft from a person)", 8
            ),
            spanning("Lead Agency: Police", 8),
            spanning(
                "Indicators / measure: serious acquisitive crime per 1000 head of population, number of police "
                "recorded crimes",
                8,
            ),
            STEVENAGE_HEADING_LATER,
            [
                "2.3",
                "Continue support for 'Watch' schemes: Neighbourhood Watch Shop Watch Pub Watch Dog Watch\n"
                "Encourage intelligence sharing with partner agencies and Watch members, particularly in relation "
                "to repeat offenders.",
                "Police NW Liaison\nPolice and SBC Licensing",
                "Quarterly",
                "Existing resources.",
                "1. Annual increased Watch membership – at least 1 new watch per quarter.",
                "Michael Hearn is the new NW secretary. He has been invited to participate in ODG and asked to "
                "provide data and info for RAG.",
                "1.",
            ],
        ],
    )
    priority_2_after_page_break = table(
        "Table 3",
        [
            [
                "2.4",
                "Share appropriate and relevant crime information with the community.\nUse community messaging "
                "and social media to proactively share crime information and personal safety advice with the "
                "public.",
                "All partners, through communications teams when necessary.",
                "When necessary and appropriate.",
                "• OWL messaging\n• Twitter\n• Facebook\n• Existing partner agency communications resources.",
                "1. At least four positive partnership messages released each month through social media.",
                "Several positive messages sent via police and HFRS Twitter accounts.",
                "",
            ],
            [
                "2.5",
                "Reduce reoffending by addressing issues impacting on acquisitive crime; and providing "
                "signposting to support for offenders where appropriate – including referrals to addiction "
                "programmes.\nUtilise finance, benefits and debt advice project facilitated by CAB through "
                "Probation.",
                "Probation Jon Cowen",
                "When necessary and appropriate.",
                "• CAB\n• Probation\n• Appropriate programmes in place.\n• Existing resources.\n"
                "• Internal and external funding.\n• Credit Union.\n• Reoffending data from IOM",
                "• Annual 10% decrease in repeat offences among IOM group (Stevenage offenders).\n"
                "• 90% of qualifying offenders to receive relevant and appropriate financial support from CAB.\n"
                "• At least one case study produced to demonstrate strong and effective partnership work.",
                "CAB on target. Stevenage related IOM quarterly figures not received.",
                "1.\n2.\n3. Not started",
            ],
        ],
    )
    priority_3 = table(
        "Table 4",
        [
            STEVENAGE_HEADING_LATER,
            [
                "3.2",
                "Carry out public reassurance and proactive operations / campaigns (promoting responsible "
                "drinking messages) in relation to alcohol related crime and the night time economy.\n"
                "Work in conjunction with and support voluntary agencies like Street Pastors.\n"
                "Encourage corporate social responsibility by engaging with local appropriate partners for "
                "support / sponsorship.",
                "Police\nInsp Simon Tabert\n\nHFRS\nMark Burgess\n\nSBC\nDebbie Barker",
                "March 2015",
                "1. Existing resources.\n2. Internal or external funding streams.\n3. NTE businesses.\n"
                "4. Alcohol retailers / wholesalers.\n5. Drink Aware resources.\n6. Pub Watch.\n7. Spectrum.\n"
                "8. County youth services.",
                "1. At least two operations / campaigns undertaken (summer and Christmas).\n"
                "2. Annual 5% reduction in alcohol related violent crime.\n"
                "3. Multi agency action plan produced when necessary, for every problematic licensed "
                "establishment. 100% discussed and agreed at ODG.",
                "Family Blue Light event took place 19 July – Town Centre.",
                "1.\n2.\n3.",
            ],
            [
                "3.3",
                "Project / campaign\nDevelop a multi-agency health awareness programme targeting "
                "schools/colleges regarding alcohol / drugs / healthy living.",
                "E&N Herts NHS Trust David Brewer\nStevenage Haven Frankie Packard",
                "February 2015",
                "1. Internal or external funding streams (CCG?).\n2. Schools buy in.",
                "1. At least three senior schools engaged by Feb 2015.\n2. Annual 5% decrease in alcohol and "
                "drug related A&E admissions for under 18s.",
                "Initial meeting undertaken to scope out project – to be led by David Brewer (Lister).",
                "1.\n2.",
            ],
        ],
        headings_before=[
            "3. Violent crime, alcohol and drugs",
            "Lead Agency: Police, Stevenage Borough Council",
        ],
    )
    priority_6 = table(
        "Table 5",
        [
            spanning("6. ASB, criminal damage", 8),
            STEVENAGE_HEADING_LATER,
            [
                "6.2",
                "Devise and implement a local shared model and protocol for the community trigger process.\n"
                "Regular updates to RAG and escalation of trigger when necessary.",
                "SBC\nEvert Robotham\nSarah Brewerton\nDebbie Barker\nJim Archibald",
                "September 2014",
                "1. Existing resources.\n2. Best practice research.",
                "1. Model and protocol in place by September 2014.\n2. Trigger cases escalated when appropriate "
                "through RAG or appeals process.",
                "Model is currently being scoped, based on what has worked in trial areas and our methods of "
                "partnership working.",
                "1.\n2.",
            ],
            [
                "6.5",
                "Co-ordinate partnership contributions and referrals to the FIP.",
                "SBC Evert Robotham & Sarah Brewerton",
                "Fortnightly",
                "Funding until April 2015",
                "1. 100% of new referrals agreed at bi weekly meetings.\n2. Produce at least one case study to "
                "demonstrate impact of those referrals and evidence behavioural change.",
                "FIP referrals agreed or referred on through ODG bi weekly.",
                "1.\n2. Not started",
            ],
        ],
    )
    return [priority_1, priority_2, priority_2_after_page_break, priority_3, priority_6]


# East Herts 2008/09 --------------------------------------------------------------------------------------

EAST_HERTS_HEADING = [
    "JAG ref",
    "Objective",
    "Actions",
    "Target & Performance indicator",
    "Lead agency",
    "Lead Action Group(s)",
    "Update: 2008-2009",
    "Update: 2008-2009",
    "Update: 2008-2009",
    "Update: 2008-2009",
]
EAST_HERTS_QUARTERS = [*EAST_HERTS_HEADING[:6], "Quarter 1", "Quarter 2", "Quarter 3", "Quarter 4"]


def _eh_row(ref: str, objective: str, actions: str, lead: str, groups: str) -> list[str]:
    return [ref, objective, actions, "", lead, groups, "", "", "", ""]


def east_herts_tables() -> list[RawTable]:
    section_1 = table(
        "Table 1",
        [
            spanning("1. IMPROVE FEELINGS OF SAFETY BY REDUCING FEAR OF CRIME", 10),
            EAST_HERTS_HEADING,
            EAST_HERTS_QUARTERS,
            _eh_row(
                "1.1",
                "Improve communications between partnership and public in East Herts",
                "• Advertise the partnership logo on media of choice\n• Publish press releases in Link Magazine\n"
                "• Publish stories in partnership newsletters/magazines where necessary",
                "EHC",
                "Comms",
            ),
            _eh_row(
                "1.2",
                "Support PCSOs in their role as the key focal point in the community",
                "• Provide shadowing opportunities for PCSOs\n• Joint Communications Group to spread positive "
                "messages on the work of PCSOs in the community.",
                "EHC, Police",
                "Comms",
            ),
            _eh_row(
                "1.4",
                "Reduce the fear of crime with vulnerable people",
                "• Support taxi CCTV initiative\n• Support/implement projects, schemes or initiatives as necessary",
                "",
                "N/A",
            ),
            _eh_row(
                "1.9",
                "Protect the community and ensure public safety from issues arising from the night time economy "
                "or individuals who misuse alcohol",
                "• Provide additional enforcement of DPPOs through the accreditation scheme\n• Provide taxi "
                "marshalling schemes as necessary\n• Produce area based 'Night Safe Maps'",
                "Police",
                "Comms, NTE, Alcohol and drugs working group",
            ),
        ],
        headings_before=["Community Safety Action Plan 2008-2009 - DRAFT"],
        first_row=1,
    )
    section_3 = table(
        "Table 2",
        [
            spanning("3. REDUCE SERIOUS ACQUISITIVE CRIME", 10),
            EAST_HERTS_HEADING,
            EAST_HERTS_QUARTERS,
            _eh_row(
                "3.1",
                "Continue to achieve reductions in overall levels of Acquisitive crime – viz:\n• Vehicle Crime\n"
                "• Dwelling Burglary\n• Theft of high-value metals.",
                "JAG to monitor and target crime trends, putting in place timely and appropriate interventions",
                "Partnership",
                "Assigned by JAG",
            ),
            _eh_row(
                "3.5",
                "To run regular cross-border multi-agency operations in response to identified crime trends, to "
                "maintain the focus on cross-border criminality.",
                "• Develop Cross-border intelligence (CHES meetings) where necessary.\n• Hold regular "
                "cross-border partnership/multi-agency operations.",
                "",
                "",
            ),
        ],
    )
    section_4 = table(
        "Table 3",
        [
            spanning("4. OFFENDER MANAGEMENT", 10),
            EAST_HERTS_HEADING,
            EAST_HERTS_QUARTERS,
            _eh_row(
                "4.1",
                "To carry out case management of PPOs to reduce the already high risk they pose of reoffending",
                "PPO group to liaise and communicate closely on at least a weekly basis and to review this "
                "communication at the 6 weekly PPO meeting.",
                "Probation , Police",
                "PPO Group",
            ),
            _eh_row(
                "4.3",
                "Provide a premium service to PPOs with a minimum input of 15 hours per week",
                "Referrals to:\n• DIP\n• Hertsreach\n• Sova\n• Housing providers\n• Leisure\n• ETE",
                "Probation",
                "N/A",
            ),
        ],
    )
    section_5 = table(
        "Table 4",
        [
            spanning("5. YOUTH ENGAGEMENT", 10),
            EAST_HERTS_HEADING,
            EAST_HERTS_QUARTERS,
            _eh_row(
                "5.2",
                "Raise awareness of drug and alcohol misuse issues in East Herts",
                "• Carry out a workshop on drugs and alcohol at the annual East Herts Youth conference on drugs "
                "and alcohol",
                "EHC\nAlcohol and drugs working group",
                "",
            ),
        ],
    )
    section_7 = table(
        "Table 5",
        [
            spanning("7. CROSS CUTTING THEME – ALCOHOL AND DRUGS", 10),
            EAST_HERTS_HEADING,
            EAST_HERTS_QUARTERS,
            _eh_row(
                "7.1",
                "Set up an East Herts alcohol and drugs working group",
                "Working group to implement actions to:\n• Improve feelings of safety\n• Reduce ASB\n"
                "• Reduce serious acquisitive crime and re-offending\n• Engage with youth\n"
                "• Reduce serious violent crime",
                "",
                "Alcohol and drugs working group",
            ),
        ],
    )
    return [section_1, section_3, section_4, section_5, section_7]


# Hastings 2011-14 ----------------------------------------------------------------------------------------

HASTINGS_HEADING = [
    "Plan details: Key delivery mechanisms and issues to be addressed (Addressing all local priorities, unless "
    "otherwise indicated)",
    "Action:",
    "To be completed by:",
    "Lead agency role:",
    "Resources required:",
    "How will this activity be measured?",
    "How will this be evaluated?",
]


def hastings_tables() -> list[RawTable]:
    about = table(
        "Table 1",
        [
            ["Annual Review Date:", "March 2012"],
            [
                "Local Priorities (LP) identified through Joint Strategic Intelligence Assessment: (* informed "
                "by Community Consultation below)",
                "1. Domestic Violence\n2. Alcohol Related Crime and Disorder: to include public place violent "
                "crime & sexual offences\n3. Antisocial Behaviour: to include personal harm, public nuisance & "
                "environmental harm\n4. Arson: to include fire safety & deliberate fire setting\n5. Hate Crime",
            ],
            ["Priority Neighbourhoods:", "Castle & St. Leonard's"],
        ],
        headings_before=["Hastings Borough Community Safety Partnership Plan", "Three year plan period 2011 – 2014"],
    )
    page_1 = table(
        "Table 3",
        [
            HASTINGS_HEADING,
            [
                "JAG",
                "Re-launch structure and membership of JAG.",
                "May 2011",
                "Chaired by Police",
                "Commitment of member organisations- Budget from ABG",
                "Actions raised, delivered against and discharged",
                "• Auditable trail through notes of meetings and correspondence. Feedback from lead agency to "
                "discharge action.\n• Feedback from Community Consultation activity as above.\n• Specific crime "
                "figure reductions (see attached)",
            ],
            [
                "MATT",
                "Holding a monthly meeting in each of the Neighbourhood co-ordination areas",
                "Ongoing",
                "Chaired by Local Authority",
                "Commitment of member organisation- HBC budget",
                "Actions raised, delivered against and discharged",
                "• Action plans evidencing effective partnership problem solving of ASB and environment crime\n"
                "• Good attendance\n• Effective identification for Quality Street and Community Payback process\n"
                "• Report back to JAG",
            ],
        ],
    )
    page_2 = table(
        "Table 4",
        [
            HASTINGS_HEADING,
            [
                "Quality Streets",
                "To deliver effective multi-agency initiatives to address local needs and priorities identified "
                "through the MATTs.",
                "1 bi-monthly",
                "Police initially - lead agency to depend on priority being addressed.",
                "To be managed via JAG",
                "Via CSP strategic monitoring and comparison of surveys before and after interventions",
                "• Specific evaluation process to be adopted – to include pre + post event meetings capturing "
                "best practice.\n• External consultation pre and post event.\n• Feedback from the community via "
                "Panels/ MATTs",
            ],
            [
                "Op Blitzed",
                "Deployment of additional Police resources at peak ASB times; visiting ASB victims & undertaking "
                "licensing taskings\nSpecific engagement with Targeted Youth Support for detached working.",
                "ongoing",
                "Police",
                "Police staff incorporating Specials/PCSO's and other Agencies.",
                "Report into JAG and quarterly Board meetings",
                "• Community sign up\n• Seizure of alcohol\n• Number of referrals of young people\n• Feedback "
                "from community and MATTs\n• Perception survey results",
            ],
            [
                "Communications",
                "CSSO to attend County Thematic group and co-ordinate local delivery to improve confidence in "
                "local services and tackle the fear of ASB and Crime",
                "ongoing",
                "CSSO",
                "In conjunction with all Agencies and NPT's. As well as a small budget from ABG",
                "Specific targets set within attached performance sheet.",
                "Quarterly at the Partnership meetings and feedback provide from Community Consultation mechanisms",
            ],
        ],
    )
    page_3 = table(
        "Table 5",
        [
            HASTINGS_HEADING,
            [
                "Reduce the number of accidental dwelling fires and deliberate fires by 6% (LP4)",
                "Work in partnership to Implement current ESFRS plan.",
                "Ongoing",
                "Fire",
                "Fire and relevant agencies",
                "Reduction in fire casualties",
                "• Fire data\n• Crime data",
            ],
            [
                "Licensing (LP2&3)",
                "To undertake test purchase operations across the Borough.",
                "Ongoing",
                "Police Licensing team",
                "Police, Local Authority, Trading Standards",
                "Number of visits conducted",
                "• The outcome of test purchase operations- negative or positive\n• Reduction in seizures of "
                "alcohol\n• Reduction in alcohol related incidents attended by Blitzed\n• The number of Under "
                "18's admitted to hospital through alcohol (when available)",
            ],
            [
                "Increase reporting of domestic abuse incidents and reduce repeat victimisation (LP1)",
                "To reduce injury violence by 3%",
                "March 2012",
                "Police",
                "Police & Local Authority",
                "Report at JAG and quarterly Board meetings *",
                "Monitoring of Domestic Abuse stats at monthly JAG meetings and quarterly Board meetings, as well "
                "as feedback provide from community consultation mechanisms discussed previously",
            ],
        ],
    )
    return [about, page_1, page_2, page_3]


# Another partnership's plan (not one of the three) ---------------------------------------------------------

OTHER_HEADING = ["Ref", "Objective", "Milestones", "Completion date", "Lead Person/ Agency", "Cost"]


def other_plan_tables() -> list[RawTable]:
    return [
        table(
            "Sheet 'Violent crime'",
            [
                ["Anytown Community Safety Partnership Plan 2013/14", "", "", "", "", ""],
                OTHER_HEADING,
                [
                    "VC1",
                    "Reduce alcohol related violence in the night time economy",
                    "• Recruit a licensing officer\n• Launch the Best Bar None scheme\n• Review the late night levy",
                    "30/06/2013\n\nQ4",
                    "Organisation: Anytown District Council / Jobholder title: Licensing Manager / Reporting "
                    "officer: Sam Patel",
                    "£10k",
                ],
                [
                    "VC2",
                    "Support victims of domestic abuse",
                    "• Fund an IDVA",
                    "31 March 2014\nQuarter 2",
                    "Sussex Police / Chief Inspector Eastbourne District",
                    "Within existing resources",
                ],
                ["VC1", "", "• Report to the Board", "", "", ""],
                ["VC3", "", "", "", "Police", "£1,500"],
                ["VC2", "Support victims of hate crime", "", "", "", ""],
            ],
            first_row=1,
        )
    ]


def export_heading() -> list[str]:
    return [heading for _, heading in EXPORT_COLUMNS]
