-- Risk questionnaires shipped with Endeavour, the details some 2014 Act powers need, and partnership
-- scoping for the two configuration tables of this part (questionnaires and letter templates).
-- The questionnaire definition format is documented in docs/risk-questionnaires.md.

-- The ASB victim risk assessment: screening questions, then a weighted matrix with score bands,
-- automatic minimum bands and professional judgement either way (with a rationale).
INSERT INTO risk_questionnaires (partnership_id, key, version, name, definition) VALUES (NULL, 'asb_victim', 1,
  'ASB victim risk assessment', $asb_victim${
  "format": 1,
  "summary": "Ask the screening questions first. If every screening answer is no, the risk is standard and the full assessment is optional. Otherwise answer every question in the full assessment.",
  "answerOptions": [
    { "value": "yes", "label": "Yes", "counts": true },
    { "value": "no", "label": "No" },
    { "value": "not_known", "label": "Not known" }
  ],
  "sections": [
    {
      "key": "screening",
      "title": "Screening questions",
      "screening": true,
      "questions": [
        { "key": "screen_vulnerable", "text": "Is the victim, or anyone in their household, vulnerable because of their age, a disability, an illness or their circumstances?" },
        { "key": "screen_repeat", "text": "Has the victim reported anti-social behaviour to us or to any other agency before?" },
        { "key": "screen_personal", "text": "Is the behaviour aimed at the victim personally, including because of who they are?" },
        { "key": "screen_unsafe", "text": "Does the victim feel unsafe in or around their home?" }
      ]
    },
    {
      "key": "matrix",
      "title": "Full assessment",
      "description": "Each yes adds the weight shown to the score.",
      "questions": [
        { "key": "disability", "text": "Does the victim, or anyone in their household, have a disability, a long-term illness or a mental health condition?", "weight": 3 },
        { "key": "targeted_before", "text": "Has the victim been targeted before?", "hint": "For example three or more similar incidents in the last three months.", "weight": 3 },
        { "key": "health", "text": "Is the behaviour affecting the victim's physical or mental health?", "hint": "For example sleep, anxiety, stress or taking medication to cope.", "weight": 3 },
        { "key": "moving", "text": "Is the victim thinking about moving home because of the behaviour?", "weight": 2 },
        { "key": "isolated", "text": "Does the victim feel isolated, with little support from family, friends or neighbours?", "weight": 2 },
        { "key": "hate", "text": "Does the victim, or anyone else, believe the behaviour is motivated by hostility because of race, religion, sexual orientation, disability or transgender identity?", "weight": 4 },
        { "key": "children", "text": "Are children in the household affected by the behaviour?", "weight": 2 },
        { "key": "threatened", "text": "Has the victim, or anyone in their household, been threatened?", "weight": 4 },
        { "key": "injured", "text": "Has the victim, or anyone in their household, been injured or had violence used against them?", "weight": 4 },
        { "key": "property", "text": "Has the victim's home, vehicle or other property been damaged?", "weight": 2 },
        { "key": "daily_life", "text": "Is the behaviour stopping the victim doing everyday things, such as going out, using their garden, or going to work or school?", "weight": 2 },
        { "key": "escalating", "text": "Does the victim think things are getting worse, or fear what will happen next?", "weight": 2 },
        { "key": "not_helped", "text": "Has the victim reported this before and feels nothing changed?", "weight": 1 }
      ]
    }
  ],
  "screening": { "clearAnswers": ["no"], "clearBand": "standard" },
  "bands": [
    { "band": "high", "min": 18, "label": "High risk", "guidance": "Name a single point of contact, agree an action plan, and have a supervisor review the case at least every 14 days." },
    { "band": "medium", "min": 9, "label": "Medium risk", "guidance": "Name a single point of contact and have a supervisor review the case at least every 28 days." },
    { "band": "standard", "min": 0, "label": "Standard risk", "guidance": "Manage through the normal case process and reassess if anything changes." }
  ],
  "rules": [
    { "key": "hate_with_threat_or_injury", "when": { "all": [{ "question": "hate", "answer": "yes" }], "any": [{ "question": "threatened", "answer": "yes" }, { "question": "injured", "answer": "yes" }] }, "minimumBand": "high", "reason": "Hate-motivated behaviour with threats or violence is always high risk." },
    { "key": "threat_or_injury", "when": { "any": [{ "question": "threatened", "answer": "yes" }, { "question": "injured", "answer": "yes" }] }, "minimumBand": "medium", "reason": "Threats or violence are at least medium risk." },
    { "key": "vulnerable_repeat", "when": { "all": [{ "question": "disability", "answer": "yes" }, { "question": "targeted_before", "answer": "yes" }] }, "minimumBand": "medium", "reason": "A vulnerable repeat victim is at least medium risk." }
  ],
  "judgement": {
    "raise": true,
    "lower": true,
    "protectedBands": [],
    "guidance": "Use your professional judgement if the score does not reflect the risk. Explain why: the rationale is kept with the assessment."
  }
}$asb_victim$::jsonb);

-- The domestic abuse, stalking and harassment (DASH) risk checklist, in our own plain-English words:
-- high risk at 14 or more yes answers (visible high risk), which professional judgement never lowers.
INSERT INTO risk_questionnaires (partnership_id, key, version, name, definition) VALUES (NULL, 'dash', 1,
  'Domestic abuse risk checklist (DASH)', $dash${
  "format": 1,
  "summary": "Ask every question. Visible high risk is 14 or more yes answers. Professional judgement can raise the risk to high but never lowers a visible high risk. High risk cases should be referred to MARAC.",
  "answerOptions": [
    { "value": "yes", "label": "Yes", "counts": true },
    { "value": "no", "label": "No" },
    { "value": "not_known", "label": "Not known" }
  ],
  "sections": [
    {
      "key": "current",
      "title": "The current situation",
      "questions": [
        { "key": "injury", "text": "Was the victim hurt in this incident?", "weight": 1 },
        { "key": "frightened", "text": "Is the victim very scared?", "weight": 1 },
        { "key": "fears_violence", "text": "Is the victim afraid of being hurt again or of more violence?", "weight": 1 },
        { "key": "isolated", "text": "Does the victim feel cut off from family or friends?", "weight": 1 },
        { "key": "depressed", "text": "Is the victim feeling very low or having thoughts of suicide?", "weight": 1 },
        { "key": "separation", "text": "Has the victim separated from the abuser, or tried to, in the last year?", "weight": 1 },
        { "key": "child_contact", "text": "Is there a dispute about contact with children?", "weight": 1 },
        { "key": "stalking", "text": "Does the abuser keep contacting, following, watching or harassing the victim?", "weight": 1 },
        { "key": "pregnancy", "text": "Is the victim pregnant, or have they had a baby in the last 18 months?", "weight": 1 }
      ]
    },
    {
      "key": "children",
      "title": "Children and other dependants",
      "questions": [
        { "key": "other_children", "text": "Are there children in the household who are not the abuser's own, or other dependants such as older relatives?", "weight": 1 },
        { "key": "hurt_children", "text": "Has the abuser ever hurt the children or other dependants?", "weight": 1 },
        { "key": "threatened_children", "text": "Has the abuser ever threatened to hurt or kill the children or other dependants?", "weight": 1 }
      ]
    },
    {
      "key": "history",
      "title": "The history of the abuse",
      "questions": [
        { "key": "more_often", "text": "Is the abuse happening more often than before?", "weight": 1 },
        { "key": "worse", "text": "Is the abuse getting more serious?", "weight": 1 },
        { "key": "controlling", "text": "Does the abuser try to control what the victim does, or show extreme jealousy?", "weight": 1 },
        { "key": "weapons", "text": "Has the abuser ever used a weapon or an object to hurt the victim?", "weight": 1 },
        { "key": "threat_to_kill", "text": "Has the abuser ever threatened to kill the victim or someone else, and the victim believed it?", "weight": 1 },
        { "key": "strangulation", "text": "Has the abuser ever tried to strangle, choke, smother or drown the victim?", "weight": 1 },
        { "key": "sexual", "text": "Does the abuser say or do sexual things that upset the victim or hurt them or someone else?", "weight": 1 },
        { "key": "other_threat", "text": "Is someone else threatening the victim, or is the victim afraid of anyone else?", "weight": 1 },
        { "key": "hurt_others", "text": "Is the abuser known to have hurt anyone else, such as children, relatives, a former partner or a stranger?", "weight": 1 },
        { "key": "animals", "text": "Has the abuser ever been cruel to an animal or the family pet?", "weight": 1 }
      ]
    },
    {
      "key": "abuser",
      "title": "About the abuser",
      "questions": [
        { "key": "financial", "text": "Are there money worries, for example the victim relies on the abuser for money, or the abuser recently lost their job?", "weight": 1 },
        { "key": "substance_mental_health", "text": "In the last year, has the abuser had problems with drugs, alcohol or mental health that affect their daily life?", "weight": 1 },
        { "key": "suicide", "text": "Has the abuser ever threatened or attempted suicide?", "weight": 1 },
        { "key": "breached_orders", "text": "Has the abuser ever broken bail, an injunction or an agreement about seeing the victim or the children?", "weight": 1 },
        { "key": "criminal_history", "text": "Is the abuser known to have been in trouble with the police, or to have a criminal record?", "weight": 1 }
      ]
    }
  ],
  "bands": [
    { "band": "high", "min": 14, "label": "High risk", "guidance": "Visible high risk: refer to MARAC, make a safety plan with the victim and tell the independent domestic violence adviser (IDVA) service." },
    { "band": "medium", "min": 10, "label": "Medium risk", "guidance": "Make a safety plan, offer specialist support, and consider whether professional judgement makes this high risk." },
    { "band": "standard", "min": 0, "label": "Standard risk", "guidance": "Offer advice and support, and reassess if anything changes." }
  ],
  "rules": [],
  "judgement": {
    "raise": true,
    "lower": true,
    "protectedBands": ["high"],
    "guidance": "Use your professional judgement if you believe the risk is higher than the checklist shows, for example because of what the victim has told you. Judgement never lowers a visible high risk."
  },
  "referral": {
    "name": "MARAC",
    "whenBands": ["high"],
    "text": "Refer this case to the Multi-Agency Risk Assessment Conference (MARAC)."
  }
}$dash$::jsonb);

-- Questionnaires: the built-in ones and the user's own partnership's versions.
ALTER TABLE risk_questionnaires ENABLE ROW LEVEL SECURITY;
CREATE POLICY risk_questionnaires_select ON risk_questionnaires FOR SELECT TO endeavour_app USING (
  partnership_id IS NULL OR partnership_id = (SELECT app_partnership_id())
);

-- Letter templates are the partnership's own: no other partnership on the instance sees them.
ALTER TABLE letter_templates ENABLE ROW LEVEL SECURITY;
CREATE POLICY letter_templates_partnership ON letter_templates FOR ALL TO endeavour_app
  USING (partnership_id = (SELECT app_partnership_id()))
  WITH CHECK (partnership_id = (SELECT app_partnership_id()));

-- What some powers need recorded beyond dates: hours for the 48-hour powers, the authorising officer
-- for dispersal, the conviction a Criminal Behaviour Order follows, youth offending team consultation
-- for under-18s, and an indefinite order.
ALTER TABLE interventions
  ADD COLUMN duration_hours integer CHECK (duration_hours BETWEEN 1 AND 48),
  ADD COLUMN authorised_by text,
  ADD COLUMN authoriser_rank text,
  ADD COLUMN conviction_on date,
  ADD COLUMN yot_consulted boolean NOT NULL DEFAULT false,
  ADD COLUMN indefinite boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT interventions_dates CHECK (expires_on IS NULL OR expires_on >= issued_on),
  ADD CONSTRAINT interventions_review CHECK (review_on IS NULL OR review_on >= issued_on),
  ADD CONSTRAINT interventions_indefinite CHECK (NOT indefinite OR expires_on IS NULL);
CREATE INDEX interventions_business ON interventions (business_id) WHERE business_id IS NOT NULL;
CREATE INDEX documents_intervention ON documents (intervention_id) WHERE intervention_id IS NOT NULL;
CREATE INDEX tasks_intervention ON tasks (intervention_id) WHERE intervention_id IS NOT NULL;
