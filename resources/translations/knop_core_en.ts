<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>AttentionModel</name>
    <message>
        <source>What you did</source>
        <translation>What you did</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Task</translation>
    </message>
    <message>
        <source>Why it was not accepted</source>
        <translation>Why it was not accepted</translation>
    </message>
    <message>
        <source>When</source>
        <translation>When</translation>
    </message>
</context>
<context>
    <name>AttentionPanel</name>
    <message>
        <source>Needs your attention</source>
        <translation>Needs your attention</translation>
    </message>
    <message>
        <source>The server did not accept these changes, so they have been undone here. Everything else you did is kept. Read why, and do it again if it still makes sense.</source>
        <translation>The server did not accept these changes, so they have been undone here. Everything else you did is kept. Read why, and do it again if it still makes sense.</translation>
    </message>
    <message>
        <source>Changes that need your attention</source>
        <translation>Changes that need your attention</translation>
    </message>
    <message>
        <source>Nothing needs your attention.</source>
        <translation>Nothing needs your attention.</translation>
    </message>
    <message>
        <source>Open task</source>
        <translation>Open task</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Dismiss</translation>
    </message>
    <message>
        <source>Remove it from this list; it is not sent again</source>
        <translation>Remove it from this list; it is not sent again</translation>
    </message>
</context>
<context>
    <name>Background</name>
    <message>
        <source>Something went wrong, and Knop could not finish this. Nothing you did has been lost. Details are in the log file.</source>
        <translation>Something went wrong, and Knop could not finish this. Nothing you did has been lost. Details are in the log file.</translation>
    </message>
    <message>
        <source>Knop</source>
        <translation>Knop</translation>
    </message>
</context>
<context>
    <name>Board</name>
    <message>
        <source>Search tasks: title, description or place</source>
        <translation>Search tasks: title, description or place</translation>
    </message>
    <message>
        <source>Search tasks</source>
        <translation>Search tasks</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>Skill</source>
        <translation>Skill</translation>
    </message>
    <message>
        <source>Audience</source>
        <translation>Audience</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>When</source>
        <translation>When</translation>
    </message>
    <message>
        <source>Sort by</source>
        <translation>Sort by</translation>
    </message>
    <message>
        <source>Matches my skills</source>
        <translation>Matches my skills</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Clear filters</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>Tasks</translation>
    </message>
    <message>
        <source>No tasks match. Try fewer or shorter words, or clear the filters.</source>
        <translation>No tasks match. Try fewer or shorter words, or clear the filters.</translation>
    </message>
    <message>
        <source>Any audience</source>
        <translation>Any audience</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Any status</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Any time</translation>
    </message>
    <message>
        <source>Within a week</source>
        <translation>Within a week</translation>
    </message>
    <message>
        <source>Within a month</source>
        <translation>Within a month</translation>
    </message>
    <message>
        <source>Within three months</source>
        <translation>Within three months</translation>
    </message>
    <message>
        <source>Sort: deadline</source>
        <translation>Sort: deadline</translation>
    </message>
    <message>
        <source>Sort: newest</source>
        <translation>Sort: newest</translation>
    </message>
    <message>
        <source>Sort: title</source>
        <translation>Sort: title</translation>
    </message>
    <message>
        <source>Sort: effort</source>
        <translation>Sort: effort</translation>
    </message>
    <message>
        <source>All sites</source>
        <translation>All sites</translation>
    </message>
    <message>
        <source>All skills</source>
        <translation>All skills</translation>
    </message>
    <message>
        <source>The search failed; see the log.</source>
        <translation>The search failed; see the log.</translation>
    </message>
    <message numerus="yes">
        <source>Over %n task(s)</source>
        <translation><numerusform>Over %n task</numerusform><numerusform>Over %n tasks</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n task(s)</source>
        <translation><numerusform>%n task</numerusform><numerusform>%n tasks</numerusform></translation>
    </message>
</context>
<context>
    <name>Gate</name>
    <message>
        <source>Knop</source>
        <translation>Knop</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>Knop is locked</source>
        <translation>Knop is locked</translation>
    </message>
    <message>
        <source>Password for %1</source>
        <translation>Password for %1</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>Log in as someone else</source>
        <translation>Log in as someone else</translation>
    </message>
    <message>
        <source>Type your password.</source>
        <translation>Type your password.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Checking…</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <source>Log in to Knop</source>
        <translation>Log in to Knop</translation>
    </message>
    <message>
        <source>People who have logged in on this computer</source>
        <translation>People who have logged in on this computer</translation>
    </message>
    <message>
        <source>Choose your name, or type your username:</source>
        <translation>Choose your name, or type your username:</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Username</translation>
    </message>
    <message>
        <source>e.g. anna</source>
        <translation>e.g. anna</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>&amp;Username</source>
        <translation>&amp;Username</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>&amp;Password</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Log in</translation>
    </message>
    <message>
        <source>The first time you log in on this computer, Knop needs a connection to the server. After that you can also log in offline for a while.</source>
        <translation>The first time you log in on this computer, Knop needs a connection to the server. After that you can also log in offline for a while.</translation>
    </message>
    <message>
        <source>Type your username, or choose your name in the list.</source>
        <translation>Type your username, or choose your name in the list.</translation>
    </message>
    <message>
        <source>Type your password.</source>
        <translation>Type your password.</translation>
    </message>
    <message>
        <source>Logging in…</source>
        <translation>Logging in…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Knop</source>
        <translation>Knop</translation>
    </message>
    <message>
        <source>&amp;New task…</source>
        <translation>&amp;New task…</translation>
    </message>
    <message>
        <source>Post a new task (Ctrl+N)</source>
        <translation>Post a new task (Ctrl+N)</translation>
    </message>
    <message>
        <source>&amp;Search tasks</source>
        <translation>&amp;Search tasks</translation>
    </message>
    <message>
        <source>Go to the search field on the board (Ctrl+F)</source>
        <translation>Go to the search field on the board (Ctrl+F)</translation>
    </message>
    <message>
        <source>S&amp;ync now</source>
        <translation>S&amp;ync now</translation>
    </message>
    <message>
        <source>Send your changes and fetch new ones now (F5)</source>
        <translation>Send your changes and fetch new ones now (F5)</translation>
    </message>
    <message>
        <source>Needs &amp;attention…</source>
        <translation>Needs &amp;attention…</translation>
    </message>
    <message>
        <source>Changes the server did not accept</source>
        <translation>Changes the server did not accept</translation>
    </message>
    <message>
        <source>&amp;Board</source>
        <translation>&amp;Board</translation>
    </message>
    <message>
        <source>All tasks (Ctrl+1)</source>
        <translation>All tasks (Ctrl+1)</translation>
    </message>
    <message>
        <source>&amp;My page</source>
        <translation>&amp;My page</translation>
    </message>
    <message>
        <source>Your bids, tasks and skills (Ctrl+2)</source>
        <translation>Your bids, tasks and skills (Ctrl+2)</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>&amp;Back</translation>
    </message>
    <message>
        <source>Back (Alt+Left)</source>
        <translation>Back (Alt+Left)</translation>
    </message>
    <message>
        <source>&amp;Lock</source>
        <translation>&amp;Lock</translation>
    </message>
    <message>
        <source>Lock the screen; your password opens it again (Ctrl+L)</source>
        <translation>Lock the screen; your password opens it again (Ctrl+L)</translation>
    </message>
    <message>
        <source>S&amp;witch user…</source>
        <translation>S&amp;witch user…</translation>
    </message>
    <message>
        <source>Let someone else log in; your unsent changes are still sent</source>
        <translation>Let someone else log in; your unsent changes are still sent</translation>
    </message>
    <message>
        <source>Log &amp;out</source>
        <translation>Log &amp;out</translation>
    </message>
    <message>
        <source>Log out of Knop</source>
        <translation>Log out of Knop</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>Close Knop</source>
        <translation>Close Knop</translation>
    </message>
    <message>
        <source>&amp;About Knop</source>
        <translation>&amp;About Knop</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Keyboard shortcuts</translation>
    </message>
    <message>
        <source>&amp;Knop</source>
        <translation>&amp;Knop</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Go</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>Navigation</source>
        <translation>Navigation</translation>
    </message>
    <message>
        <source>Logged in as %1</source>
        <translation>Logged in as %1</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>Staff</translation>
    </message>
    <message>
        <source>Site manager</source>
        <translation>Site manager</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>External contributor</source>
        <translation>External contributor</translation>
    </message>
    <message>
        <source>This page cannot be shown. Details are in the log file.</source>
        <translation>This page cannot be shown. Details are in the log file.</translation>
    </message>
    <message>
        <source>About Knop</source>
        <translation>About Knop</translation>
    </message>
    <message>
        <source>Knop: a task exchange for the municipality.

Post a task, find colleagues with the right skills, and see what people can do from the work they have done.</source>
        <translation>Knop: a task exchange for the municipality.

Post a task, find colleagues with the right skills, and see what people can do from the work they have done.</translation>
    </message>
    <message>
        <source>New task</source>
        <translation>New task</translation>
    </message>
    <message>
        <source>Search tasks</source>
        <translation>Search tasks</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>Board</source>
        <translation>Board</translation>
    </message>
    <message>
        <source>My page</source>
        <translation>My page</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Lock</translation>
    </message>
    <message>
        <source>Switch user</source>
        <translation>Switch user</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <source>Self-test</source>
        <translation>Self-test</translation>
    </message>
</context>
<context>
    <name>Operation</name>
    <message>
        <source>Posting a task</source>
        <translation>Posting a task</translation>
    </message>
    <message>
        <source>Editing a task</source>
        <translation>Editing a task</translation>
    </message>
    <message>
        <source>Publishing a task</source>
        <translation>Publishing a task</translation>
    </message>
    <message>
        <source>Cancelling a task</source>
        <translation>Cancelling a task</translation>
    </message>
    <message>
        <source>Marking a task done</source>
        <translation>Marking a task done</translation>
    </message>
    <message>
        <source>Confirming a skill</source>
        <translation>Confirming a skill</translation>
    </message>
    <message>
        <source>Placing a bid</source>
        <translation>Placing a bid</translation>
    </message>
    <message>
        <source>Changing a bid</source>
        <translation>Changing a bid</translation>
    </message>
    <message>
        <source>Withdrawing a bid</source>
        <translation>Withdrawing a bid</translation>
    </message>
    <message>
        <source>Accepting a bid</source>
        <translation>Accepting a bid</translation>
    </message>
    <message>
        <source>Declining a bid</source>
        <translation>Declining a bid</translation>
    </message>
    <message>
        <source>Writing a comment</source>
        <translation>Writing a comment</translation>
    </message>
    <message>
        <source>Adding a skill</source>
        <translation>Adding a skill</translation>
    </message>
    <message>
        <source>Removing a skill</source>
        <translation>Removing a skill</translation>
    </message>
</context>
<context>
    <name>Shell</name>
    <message>
        <source>The local database is damaged</source>
        <translation>The local database is damaged</translation>
    </message>
    <message>
        <source>Move it aside and fetch again</source>
        <translation>Move it aside and fetch again</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Log out</translation>
    </message>
</context>
<context>
    <name>SyncStatusBar</name>
    <message>
        <source>Connection</source>
        <translation>Connection</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>Send your changes and fetch new ones now (F5)</source>
        <translation>Send your changes and fetch new ones now (F5)</translation>
    </message>
    <message>
        <source>Not connected to a server</source>
        <translation>Not connected to a server</translation>
    </message>
    <message>
        <source>Not synced yet</source>
        <translation>Not synced yet</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Offline: your changes are kept</source>
        <translation>Offline: your changes are kept</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) waiting to be sent</source>
        <translation><numerusform>%n change waiting to be sent</numerusform><numerusform>%n changes waiting to be sent</numerusform></translation>
    </message>
    <message>
        <source>All changes sent</source>
        <translation>All changes sent</translation>
    </message>
    <message numerus="yes">
        <source>Other people on this computer have %n change(s) waiting</source>
        <translation><numerusform>Other people on this computer have %n change waiting</numerusform><numerusform>Other people on this computer have %n changes waiting</numerusform></translation>
    </message>
    <message>
        <source>Last sync %1</source>
        <translation>Last sync %1</translation>
    </message>
    <message>
        <source>Never synced</source>
        <translation>Never synced</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) need your attention</source>
        <translation><numerusform>%n change needs your attention</numerusform><numerusform>%n changes need your attention</numerusform></translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <source>Sending changes</source>
        <translation>Sending changes</translation>
    </message>
    <message>
        <source>Fetching changes</source>
        <translation>Fetching changes</translation>
    </message>
    <message>
        <source>Updating what you see</source>
        <translation>Updating what you see</translation>
    </message>
</context>
<context>
    <name>TaskModel</name>
    <message numerus="yes">
        <source>%n bid(s)</source>
        <translation><numerusform>%n bid</numerusform><numerusform>%n bids</numerusform></translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Task</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>Skills</source>
        <translation>Skills</translation>
    </message>
    <message>
        <source>Effort</source>
        <translation>Effort</translation>
    </message>
    <message>
        <source>Bid deadline</source>
        <translation>Bid deadline</translation>
    </message>
    <message>
        <source>Seats / bids</source>
        <translation>Seats / bids</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>d MMM yyyy</source>
        <translation>d MMM yyyy</translation>
    </message>
    <message>
        <source>starts %1</source>
        <translation>starts %1</translation>
    </message>
    <message>
        <source>%1 of %2 seats filled; %3 active bids</source>
        <translation>%1 of %2 seats filled; %3 active bids</translation>
    </message>
    <message>
        <source>Takes place: %1</source>
        <translation>Takes place: %1</translation>
    </message>
</context>
</TS>
