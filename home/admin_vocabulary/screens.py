"""Wagtail's strings of the screens partners use: the explorer and listings, the editor
and its side panels, the frame (menu, keyboard shortcuts), the account page, images
and documents. See ``home.admin_vocabulary``."""

# ruff: noqa: E501

from django.utils.translation import gettext_noop, ngettext_lazy

STRINGS = [
    gettext_noop("Filter by"),
    # The explorer's root level (ward staff see it; the help text has no Japanese in Wagtail).
    gettext_noop(
        "The root level is where you can add new sites to your Wagtail installation. Pages created here will not be accessible at any URL until they are associated with a site."
    ),
    gettext_noop(
        "If you just want to add pages to an existing site, create them as children of the homepage instead."
    ),
    gettext_noop(
        "Pages created here will not be accessible at any URL. To add pages to an existing site, create them as children of the homepage."
    ),
    gettext_noop(
        "There is no site set up for this location. Pages created here will not be accessible at any URL until a site is associated with this location."
    ),
    gettext_noop(
        "There is no site record for this location. Pages created here will not be accessible at any URL."
    ),
    gettext_noop("Show filters"),
    gettext_noop("Search…"),
    gettext_noop("Search all pages…"),
    gettext_noop("Date updated"),
    gettext_noop("Edited by"),
    gettext_noop("Has child pages"),
    gettext_noop("Page type"),
    gettext_noop("Any"),
    gettext_noop("Status: "),
    gettext_noop("Locking: "),
    gettext_noop("Page visibility: "),
    gettext_noop("No publishing schedule set"),
    gettext_noop("Visible to all"),
    gettext_noop("Not visible to the public"),
    gettext_noop("Once live anyone can view"),
    gettext_noop("Change privacy"),
    gettext_noop("Choose who can view the live version of this page"),
    gettext_noop("Privacy and access"),
    gettext_noop("First published"),
    gettext_noop("Visible to all. Visit the live page"),
    gettext_noop("Private. Visit the live page"),
    gettext_noop("View history"),
    gettext_noop("See full history"),
    gettext_noop("View details"),
    gettext_noop("Anyone can edit this %(model_name)s"),
    gettext_noop("Anyone can edit this %(model_name)s – lock it to prevent others from editing"),
    gettext_noop("Side panels"),
    gettext_noop("Side panel width"),
    gettext_noop("Toggle side panel"),
    gettext_noop("Toggle status"),
    gettext_noop("Toggle section"),
    gettext_noop("Toggle breadcrumbs"),
    gettext_noop("Toggle sidebar"),
    gettext_noop("Toggle minimap"),
    gettext_noop("Toggle checks"),
    gettext_noop("Toggle comments"),
    gettext_noop("Toggle preview"),
    gettext_noop("Actions (footer)"),
    gettext_noop("Bulk actions"),
    gettext_noop("Select all"),
    gettext_noop("Select"),
    gettext_noop("Select row"),
    gettext_noop("More options for '%(title)s'"),
    gettext_noop("Unpublish selected pages"),
    gettext_noop("%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s"),
    gettext_noop("There are no %(model_name)s to display."),
    gettext_noop("Sort by '%(label)s' in ascending order."),
    gettext_noop("Sort by '%(label)s' in descending order."),
    gettext_noop("Sort by"),
    gettext_noop("Newest"),
    gettext_noop("Oldest"),
    gettext_noop("Title: (A -> Z)"),
    gettext_noop("Title: (Z -> A)"),
    gettext_noop("File size: (low to high)"),
    gettext_noop("File size: (high to low)"),
    gettext_noop("Usage count: (low to high)"),
    gettext_noop("Usage count: (high to low)"),
    gettext_noop("Usage count"),
    gettext_noop("Layout"),
    gettext_noop("Grid layout"),
    gettext_noop("List layout"),
    gettext_noop("Add to collection"),
    gettext_noop("Add selected images to collection"),
    gettext_noop("Add selected documents to collection"),
    gettext_noop("Add tags to the selected images"),
    gettext_noop("Add tags to the selected documents"),
    gettext_noop("Delete selected images"),
    gettext_noop("Delete selected documents"),
    gettext_noop("Tag"),
    gettext_noop("Minimum"),
    gettext_noop("Maximum"),
    gettext_noop("Date / Time"),
    gettext_noop("Page/Snippet"),
    gettext_noop("By task"),
    gettext_noop("Is commenting action"),
    gettext_noop("You haven't uploaded any images."),
    gettext_noop("You haven't uploaded any images in this collection."),
    gettext_noop("You haven't uploaded any documents."),
    gettext_noop("You haven't uploaded any documents in this collection."),
    gettext_noop(
        'You haven\'t uploaded any images. Why not <a href="%(wagtailimages_add_image_url)s">upload one now</a>?'
    ),
    gettext_noop(
        'You haven\'t uploaded any images in this collection. Why not <a href="%(wagtailimages_add_image_url)s">upload one now</a>?'
    ),
    gettext_noop(
        'You haven\'t uploaded any documents. Why not <a href="%(wagtaildocs_add_document_url)s">upload one now</a>?'
    ),
    gettext_noop(
        'You haven\'t uploaded any documents in this collection. Why not <a href="%(wagtaildocs_add_document_url)s">upload one now</a>?'
    ),
    gettext_noop(
        'Multi-word tags with spaces will automatically be enclosed in double quotes (").'
    ),
    gettext_noop("1 page selected"),
    gettext_noop("%(objects)s pages selected"),
    gettext_noop("All %(objects)s pages on this screen selected"),
    gettext_noop("All pages in listing selected"),
    gettext_noop("1 image selected"),
    gettext_noop("%(objects)s images selected"),
    gettext_noop("All %(objects)s images on this screen selected"),
    gettext_noop("All images in listing selected"),
    gettext_noop("1 document selected"),
    gettext_noop("%(objects)s documents selected"),
    gettext_noop("All %(objects)s documents on this screen selected"),
    gettext_noop("All documents in listing selected"),
    gettext_noop("1 item selected"),
    gettext_noop("%(objects)s items selected"),
    gettext_noop("All %(objects)s items on this screen selected"),
    gettext_noop("All items in listing selected"),
    gettext_noop("1 snippet selected"),
    gettext_noop("%(objects)s snippets selected"),
    gettext_noop("All %(objects)s snippets on this screen selected"),
    gettext_noop("All snippets in listing selected"),
    gettext_noop("1 user selected"),
    gettext_noop("%(objects)s users selected"),
    gettext_noop("All %(objects)s users on this screen selected"),
    gettext_noop("All users in listing selected"),
    gettext_noop("Saved"),
    gettext_noop("Autosave is paused"),
    gettext_noop("Autosave is <span>paused</span>"),
    gettext_noop("You have <span>unsaved edits</span>"),
    gettext_noop("You have unsaved changes in another window"),
    gettext_noop("Save your changes before leaving"),
    gettext_noop("A network error occurred"),
    gettext_noop(
        "Troubleshoot your connection to the site before proceeding. Open the editor in a separate tab to view the last saved version."
    ),
    gettext_noop("View latest version"),
    gettext_noop("Loading"),
    gettext_noop("Minimap"),
    gettext_noop("Checks"),
    gettext_noop("Issues found"),
    gettext_noop("Show issue"),
    gettext_noop("Content metrics"),
    gettext_noop("Words"),
    gettext_noop("Reading time"),
    gettext_noop("Readability"),
    gettext_noop("This data explained"),
    gettext_noop("How we calculate our metrics"),
    gettext_noop(
        "We extract the main content from the page preview, remove all formatting, and calculate the number of words."
    ),
    gettext_noop(
        "We calculate reading time from word count, using different reading speeds for different languages."
    ),
    gettext_noop(
        "We use a readability formula based on length of words and sentences. Long sentences and words result in a worse readability score."
    ),
    gettext_noop(
        'See our <a href="%(guide_link)s" target="_blank">content checks guide</a> for more information on how content metrics are calculated.'
    ),
    gettext_noop("Empty heading found"),
    gettext_noop("Use meaningful text for screen reader users"),
    gettext_noop("Incorrect heading hierarchy"),
    gettext_noop("Avoid skipping levels"),
    gettext_noop("Empty frame title found"),
    gettext_noop("Use a meaningful title for screen reader users"),
    gettext_noop("Link text is empty"),
    gettext_noop("Use meaningful text"),
    gettext_noop("Button text is empty"),
    gettext_noop("Input button text is empty"),
    gettext_noop("Table header text is empty"),
    gettext_noop("Image alt text has inappropriate pattern"),
    gettext_noop("Misusing paragraphs as headings"),
    gettext_noop("Use proper heading tags"),
    gettext_noop("Meta description is empty"),
    gettext_noop("Add a concise description for search engines"),
    gettext_noop("Preview in new tab"),
    gettext_noop("Preview is out of date"),
    gettext_noop("Correct the validation errors to resume preview (saving will highlight errors)"),
    gettext_noop("Preview in mobile size"),
    gettext_noop("Preview in tablet size"),
    gettext_noop("Preview in desktop size"),
    gettext_noop("Preview mode"),
    gettext_noop("Preview not available"),
    gettext_noop("Set publishing schedule"),
    gettext_noop("Set schedule"),
    gettext_noop("Save schedule"),
    gettext_noop("Choose when this page should go live and/or expire"),
    gettext_noop("Anyone with editing permissions can create schedules"),
    gettext_noop("But only those with publishing permissions can make them effective."),
    gettext_noop(
        "The name of the page displayed on search engine results as the clickable headline."
    ),
    gettext_noop("Add or show comments"),
    gettext_noop("Comments"),
    gettext_noop("Help"),
    gettext_noop("Close dialog"),
    gettext_noop("Keyboard shortcuts"),
    gettext_noop("All keyboard shortcuts"),
    gettext_noop("Show keyboard shortcuts"),
    gettext_noop("Shortcuts"),
    gettext_noop("Section"),
    gettext_noop("Keyboard shortcut"),
    gettext_noop("Application"),
    gettext_noop("Close modal dialogs (like this one)"),
    gettext_noop("Save changes"),
    gettext_noop("Text editing"),
    gettext_noop("Cut"),
    gettext_noop("Paste"),
    gettext_noop("Paste without formatting"),
    gettext_noop("Text formatting"),
    gettext_noop("Insert or edit a link"),
    gettext_noop("Monospace (code)"),
    gettext_noop("Strike-through"),
    gettext_noop(
        "Keyboard shortcuts are currently enabled; manage your %(account_link)s to disable them."
    ),
    gettext_noop("Enable custom keyboard shortcuts specific to Wagtail."),
    gettext_noop(
        'JavaScript is required to use Wagtail, but it is currently disabled.<br /> Here are the <a href="https://www.enable-javascript.com/" target="_blank" rel="noreferrer">instructions how to enable JavaScript in your web browser</a>.'
    ),
    gettext_noop("Aging pages"),
    gettext_noop("Page types usage"),
    gettext_noop("%(site_setting)s for %(site)s"),
    gettext_noop("Profile"),
    gettext_noop("Profile picture"),
    gettext_noop("Edit account avatar"),
    gettext_noop("Notifications"),
    gettext_noop("Locale"),
    gettext_noop("Language"),
    gettext_noop("Use server language: %(language_name)s"),
    gettext_noop("Use server time zone"),
    gettext_noop("Theme preferences"),
    gettext_noop("System default"),
    gettext_noop("Light"),
    gettext_noop("Dark"),
    gettext_noop("More contrast"),
    gettext_noop("Snug"),
    gettext_noop("Remember me"),
    gettext_noop(
        "Receive notification when comments have been created, resolved, or deleted on a page that you have subscribed to receive comment notifications on"
    ),
    gettext_noop("updated comments notifications"),
    gettext_noop(
        'Why not <a class="upload-one-now" href="#tab-upload" data-action="w-tabs#select:prevent" data-w-tabs-target="trigger" data-w-tabs-focus-param="true">upload one now</a>?'
    ),
    gettext_noop("density"),
    gettext_noop("contrast"),
    gettext_noop("admin theme"),
    gettext_noop("Default"),
    gettext_noop("Exploring"),
    gettext_noop("Wagtail %(current_version)s editor guide"),
    gettext_noop("What's new in Wagtail %(version)s"),
    gettext_noop("Editor Guide"),
    gettext_noop("title tag"),
    gettext_noop("meta description"),
    gettext_noop("None"),
    gettext_noop("just now"),
    gettext_noop("Image is decorative"),
    gettext_noop("Please add some alt text for your image or mark it as decorative"),
    gettext_noop(
        "Please provide an image description to comply with best practices for accessibility."
    ),
    gettext_noop(
        "Upload successful. However, your new image seems to be a duplicate of this existing image. You may delete it if it wasn't required."
    ),
    gettext_noop(
        "Upload successful. However, your new image seems to be a duplicate of an existing image. You may delete it if it wasn't required."
    ),
    gettext_noop("Report this error to your website administrator with the following information:"),
    gettext_noop("Maximum filesize: %(max_upload_size)s."),
    gettext_noop("Document updated."),
    gettext_noop("Image focal point"),
    gettext_noop("Format"),
    gettext_noop("Select all images in listing"),
    gettext_noop("Select all documents in listing"),
    gettext_noop("Select %(title)s"),
    gettext_noop("Yes, add"),
    gettext_noop("No, don't add"),
    gettext_noop("Add tags to images"),
    gettext_noop("Add tags to documents"),
    gettext_noop("Add images to collection"),
    gettext_noop("Add documents to collection"),
    gettext_noop(
        "Preview cannot display due to validation errors. <br /> Click save to highlight the relevant fields."
    ),
    gettext_noop("log entry"),
    gettext_noop("log entries"),
    gettext_noop("model log entry"),
    gettext_noop("model log entries"),
    gettext_noop("page log entry"),
    gettext_noop("page log entries"),
]

PLURALS = [
    ngettext_lazy(
        '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
    ),
    ngettext_lazy(
        '%(total)s Image <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Images <span class="w-sr-only">created in %(site_name)s</span>',
    ),
    ngettext_lazy(
        '%(total)s Document <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Documents <span class="w-sr-only">created in %(site_name)s</span>',
    ),
    ngettext_lazy("Referenced %(count)s time", "Referenced %(count)s times"),
    ngettext_lazy("Add tags to 1 image", "Add tags to %(counter)s images"),
    ngettext_lazy("Add tags to 1 document", "Add tags to %(counter)s documents"),
    ngettext_lazy("Add 1 image to new collection", "Add %(counter)s images to new collection"),
    ngettext_lazy(
        "Add 1 document to new collection", "Add %(counter)s documents to new collection"
    ),
    ngettext_lazy(
        "Are you sure you want to tag the following image?",
        "Are you sure you want to tag the following images?",
    ),
    ngettext_lazy(
        "Are you sure you want to tag the following document?",
        "Are you sure you want to tag the following documents?",
    ),
    ngettext_lazy(
        "Are you sure you want to add the following image to the selected collection?",
        "Are you sure you want to add the following images to the selected collection?",
    ),
    ngettext_lazy(
        "Are you sure you want to add the following document to the selected collection?",
        "Are you sure you want to add the following documents to the selected collection?",
    ),
    ngettext_lazy(
        "You don't have permission to add tags to this image",
        "You don't have permission to add tags to these images",
    ),
    ngettext_lazy(
        "You don't have permission to add tags to this document",
        "You don't have permission to add tags to these documents",
    ),
    ngettext_lazy(
        "You don't have permission to add this image to a collection",
        "You don't have permission to add these images to a collection",
    ),
    ngettext_lazy(
        "You don't have permission to add this document to a collection",
        "You don't have permission to add these documents to a collection",
    ),
    ngettext_lazy(
        "New tags have been added to %(num_parent_objects)d image",
        "New tags have been added to %(num_parent_objects)d images",
    ),
    ngettext_lazy(
        "New tags have been added to %(num_parent_objects)d document",
        "New tags have been added to %(num_parent_objects)d documents",
    ),
    ngettext_lazy(
        "%(num_parent_objects)d image has been added to %(collection)s",
        "%(num_parent_objects)d images have been added to %(collection)s",
    ),
    ngettext_lazy(
        "%(num_parent_objects)d document has been added to %(collection)s",
        "%(num_parent_objects)d documents have been added to %(collection)s",
    ),
]
