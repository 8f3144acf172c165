"""Wagtail's strings of the ward's review: statuses, the action menu, messages, the
history and the notification e-mails. See ``home.admin_vocabulary``."""

# ruff: noqa: E501

from django.utils.translation import gettext_noop

STRINGS = [
    gettext_noop("live"),
    gettext_noop("draft"),
    gettext_noop("live + draft"),
    gettext_noop("in moderation"),
    gettext_noop("live + in moderation"),
    gettext_noop("scheduled"),
    gettext_noop("live + scheduled"),
    gettext_noop("expired"),
    gettext_noop("In Moderation"),
    gettext_noop("Live"),
    gettext_noop("Draft"),
    gettext_noop("Published"),
    gettext_noop("Submitted"),
    gettext_noop("In progress"),
    gettext_noop("Approved"),
    gettext_noop("Needs changes"),
    gettext_noop("Rejected"),
    gettext_noop("Changes requested"),
    gettext_noop("Changes requested at"),
    gettext_noop("Changes requested by %(requested_by)s"),
    gettext_noop("Changes requested %(finished_at)s"),
    gettext_noop("Approved by %(approved_by)s"),
    gettext_noop("Awaiting your review"),
    gettext_noop("Awaiting my review"),
    gettext_noop("Incomplete task"),
    gettext_noop("Locked by workflow"),
    gettext_noop("Only reviewers can edit and approve the %(model_name)s"),
    gettext_noop("Only reviewers for this task can edit the %(model_name)s."),
    gettext_noop("This %(model_name)s is currently awaiting moderation."),
    gettext_noop(
        "This {model_name} is awaiting <b>'{task_name}'</b> in the <b>'{workflow_name}'</b> workflow."
    ),
    gettext_noop(
        "Reviewers can edit this %(model_name)s – lock it to prevent other reviewers from editing"
    ),
    gettext_noop(
        "This %(model_name)s is currently at <strong>%(task)s</strong> in <strong>%(workflow)s</strong>."
    ),
    gettext_noop(
        "This page is currently at <strong>%(task)s</strong> in <strong>%(workflow)s</strong>."
    ),
    gettext_noop(
        "This %(model_name)s was marked as needing changes at <strong>%(task)s</strong> in <strong>%(workflow)s</strong>."
    ),
    gettext_noop(
        "This page was marked as needing changes at <strong>%(task)s</strong> in <strong>%(workflow)s</strong>."
    ),
    gettext_noop("Publishing this %(model_name)s will cancel the current workflow."),
    gettext_noop("Publishing this page will cancel the current workflow."),
    gettext_noop("This page hasn't been submitted for moderation yet"),
    gettext_noop("This %(model_name)s hasn't been submitted for moderation yet"),
    gettext_noop("Task submitted by"),
    gettext_noop("Requested by"),
    gettext_noop("requested by"),  # WorkflowState.requested_by: the workflow report filter
    gettext_noop("Workflow progress"),
    gettext_noop("Workflow history"),
    gettext_noop("Workflow"),
    gettext_noop("Workflow started"),
    gettext_noop("Workflow completed"),
    gettext_noop("Workflow cancelled"),
    gettext_noop("Approved task"),
    gettext_noop("with comment:"),
    gettext_noop("Review this version"),
    gettext_noop("Edit / Review"),
    gettext_noop("Your pages and snippets in a workflow"),
    gettext_noop("Sent to %(task_name)s %(started_at)s"),
    gettext_noop("To be created by %(user)s"),
    gettext_noop("Submit for moderation"),
    gettext_noop("Submit to %(workflow_name)s"),
    gettext_noop("Resubmit to %(task_name)s"),
    gettext_noop("Restart workflow "),
    gettext_noop("Cancel workflow "),
    gettext_noop("Save draft"),
    gettext_noop("Save Draft"),
    gettext_noop("Approve"),
    gettext_noop("Approve with comment"),
    gettext_noop("Reject"),
    gettext_noop("Request changes"),
    gettext_noop("%(label)s and Publish"),
    gettext_noop("Page '%(page_title)s' has been submitted for moderation."),
    gettext_noop("Page '%(page_title)s' created and submitted for moderation."),
    gettext_noop("Page '%(page_title)s' has been updated."),
    gettext_noop("Page '%(page_title)s' created."),
    gettext_noop("Page '%(page_title)s' has been published."),
    gettext_noop("Page '%(page_title)s' created and published."),
    gettext_noop("Workflow on page '%(page_title)s' has been cancelled."),
    gettext_noop("Workflow on page '%(page_title)s' has been restarted."),
    gettext_noop("%(model_name)s '%(object)s' has been submitted for moderation."),
    gettext_noop("%(model_name)s '%(object)s' created and submitted for moderation."),
    gettext_noop("Workflow on %(model_name)s '%(object)s' has been cancelled."),
    gettext_noop("Workflow on %(model_name)s '%(object)s' has been restarted."),
    gettext_noop("The page '%(page_title)s' is not currently awaiting moderation."),
    gettext_noop(
        "The page '%(page_title)s' is not currently awaiting moderation in task '%(task_name)s'."
    ),
    gettext_noop("The %(model_name)s '%(title)s' is not currently awaiting moderation."),
    gettext_noop("Workflow: start"),
    gettext_noop("'%(workflow)s' started. Next step '%(task)s'"),
    gettext_noop("Workflow: approve task"),
    gettext_noop("Approved at '%(task)s'. Next step '%(next_task)s'"),
    gettext_noop("Approved at '%(task)s'. '%(workflow)s' complete"),
    gettext_noop("Workflow: reject task"),
    gettext_noop("Rejected at '%(task)s'. Changes requested"),
    gettext_noop("Workflow: resume task"),
    gettext_noop("Resubmitted '%(task)s'. Workflow resumed"),
    gettext_noop("Workflow: cancel"),
    gettext_noop("Cancelled '%(workflow)s' at '%(task)s'"),
    gettext_noop('The page "%(title)s" has been approved.'),
    gettext_noop('The page "%(title)s" has been approved'),
    gettext_noop('The page "%(title)s" has been rejected.'),
    gettext_noop('The page "%(title)s" has been rejected'),
    gettext_noop('The page "%(title)s" has been approved in workflow "%(workflow)s".'),
    gettext_noop('The page "%(title)s" has been approved in "%(workflow)s".'),
    gettext_noop(
        'The page "%(title)s" has been rejected during "%(task)s" in workflow "%(workflow)s" by %(rejector)s.'
    ),
    gettext_noop(
        'The page "%(title)s" has been rejected during "%(task)s" in workflow "%(workflow)s".'
    ),
    gettext_noop('The page "%(title)s" has been rejected during "%(workflow)s".'),
    gettext_noop('The page "%(title)s" has been rejected during "%(task)s".'),
    gettext_noop('The page "%(title)s" has been approved in "%(task)s".'),
    gettext_noop('The page "%(title)s" has been approved in moderation stage "%(task)s".'),
    gettext_noop('The page "%(title)s" has been rejected in moderation stage "%(task)s".'),
    gettext_noop(
        'The page "%(title)s" has been submitted for moderation to workflow "%(workflow)s" by %(requester)s.'
    ),
    gettext_noop(
        'The page "%(title)s" has been submitted for moderation to workflow "%(workflow)s".'
    ),
    gettext_noop('The page "%(title)s" has been submitted to workflow "%(workflow)s"'),
    gettext_noop(
        'The page "%(title)s" has been submitted for approval in moderation stage "%(task)s".'
    ),
    gettext_noop(
        'The page "%(title)s" has been submitted for approval in moderation stage "%(task)s"'
    ),
    gettext_noop(
        'The page "%(title)s" has been submitted for approval to moderation stage "%(task)s".'
    ),
    gettext_noop('The following comment was left: "%(comment)s"'),
    gettext_noop("You can preview the page here:"),
    gettext_noop("Draft saved"),
    gettext_noop("Create"),
    gettext_noop("Created"),
    gettext_noop("Edit"),
    gettext_noop("Edited"),
    gettext_noop("Publish"),
    gettext_noop("Unpublish"),
    gettext_noop("Unpublished"),
    gettext_noop("Lock"),
    gettext_noop("Locked"),
    gettext_noop("Unlock"),
    gettext_noop("Unlocked"),
    gettext_noop("Copy"),
    gettext_noop("Copied"),
    gettext_noop("Copied from %(title)s"),
    gettext_noop("Move"),
    gettext_noop("Moved from '%(old_parent)s' to '%(new_parent)s'"),
    gettext_noop("Rename"),
    gettext_noop("Renamed"),
    gettext_noop("Renamed from '%(old)s' to '%(new)s'"),
    gettext_noop("Reorder"),
    gettext_noop("Reordered"),
    gettext_noop("Reordered under '%(parent)s'"),
    gettext_noop("Revert"),
    gettext_noop("Reverted to previous revision"),
    gettext_noop("Delete"),
    gettext_noop("Deleted"),
    gettext_noop("Schedule publication"),
    gettext_noop("%(model_name)s scheduled for publishing"),
    gettext_noop("Unschedule publication"),
    gettext_noop("%(model_name)s unscheduled from publishing"),
    gettext_noop("Publish scheduled draft"),
    gettext_noop("Published scheduled draft"),
    gettext_noop("Unpublish scheduled draft"),
    gettext_noop("Unpublished scheduled draft"),
    gettext_noop("Added a comment"),
    gettext_noop("Edited a comment"),
    gettext_noop("Deleted a comment"),
    gettext_noop("Resolved a comment"),
    gettext_noop("Replied to a comment"),
    gettext_noop("Edit comment"),
    gettext_noop("Delete comment"),
    gettext_noop("Resolve comment"),
    gettext_noop("Reply to comment"),
    gettext_noop("Add view restrictions"),
    gettext_noop("Added view restriction"),
    gettext_noop("Update view restrictions"),
    gettext_noop("Remove view restrictions"),
    gettext_noop("Removed view restriction"),
]

PLURALS = []
