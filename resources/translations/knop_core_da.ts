<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="da" sourcelanguage="en">
<context>
    <name>AttentionModel</name>
    <message>
        <source>What you did</source>
        <translation>Hvad du gjorde</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Opgave</translation>
    </message>
    <message>
        <source>Why it was not accepted</source>
        <translation>Hvorfor det ikke blev godtaget</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Hvornår</translation>
    </message>
</context>
<context>
    <name>AttentionPanel</name>
    <message>
        <source>Needs your attention</source>
        <translation>Kræver din opmærksomhed</translation>
    </message>
    <message>
        <source>The server did not accept these changes, so they have been undone here. Everything else you did is kept. Read why, and do it again if it still makes sense.</source>
        <translation>Serveren godtog ikke disse ændringer, så de er fortrudt her. Alt andet, du har gjort, er bevaret. Læs hvorfor, og gør det igen, hvis det stadig giver mening.</translation>
    </message>
    <message>
        <source>Changes that need your attention</source>
        <translation>Ændringer, der kræver din opmærksomhed</translation>
    </message>
    <message>
        <source>Nothing needs your attention.</source>
        <translation>Intet kræver din opmærksomhed.</translation>
    </message>
    <message>
        <source>Open task</source>
        <translation>Åbn opgaven</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Fjern fra listen</translation>
    </message>
    <message>
        <source>Remove it from this list; it is not sent again</source>
        <translation>Fjern den fra listen; den bliver ikke sendt igen</translation>
    </message>
</context>
<context>
    <name>Background</name>
    <message>
        <source>Something went wrong, and Knop could not finish this. Nothing you did has been lost. Details are in the log file.</source>
        <translation>Noget gik galt, og Knop kunne ikke gøre det færdigt. Intet af det, du har gjort, er gået tabt. Detaljerne står i logfilen.</translation>
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
        <translation>Søg i opgaver: titel, beskrivelse eller sted</translation>
    </message>
    <message>
        <source>Search tasks</source>
        <translation>Søg i opgaver</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Arbejdssted</translation>
    </message>
    <message>
        <source>Skill</source>
        <translation>Kompetence</translation>
    </message>
    <message>
        <source>Audience</source>
        <translation>Målgruppe</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Hvornår</translation>
    </message>
    <message>
        <source>Sort by</source>
        <translation>Sortér efter</translation>
    </message>
    <message>
        <source>Matches my skills</source>
        <translation>Passer til mine kompetencer</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Nulstil filtre</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>Opgaver</translation>
    </message>
    <message>
        <source>No tasks match. Try fewer or shorter words, or clear the filters.</source>
        <translation>Ingen opgaver passer. Prøv med færre eller kortere ord, eller nulstil filtrene.</translation>
    </message>
    <message>
        <source>Any audience</source>
        <translation>Alle målgrupper</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Alle statusser</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Når som helst</translation>
    </message>
    <message>
        <source>Within a week</source>
        <translation>Inden for en uge</translation>
    </message>
    <message>
        <source>Within a month</source>
        <translation>Inden for en måned</translation>
    </message>
    <message>
        <source>Within three months</source>
        <translation>Inden for tre måneder</translation>
    </message>
    <message>
        <source>Sort: deadline</source>
        <translation>Sortér: frist</translation>
    </message>
    <message>
        <source>Sort: newest</source>
        <translation>Sortér: nyeste</translation>
    </message>
    <message>
        <source>Sort: title</source>
        <translation>Sortér: titel</translation>
    </message>
    <message>
        <source>Sort: effort</source>
        <translation>Sortér: omfang</translation>
    </message>
    <message>
        <source>All sites</source>
        <translation>Alle arbejdssteder</translation>
    </message>
    <message>
        <source>All skills</source>
        <translation>Alle kompetencer</translation>
    </message>
    <message>
        <source>The search failed; see the log.</source>
        <translation>Søgningen mislykkedes; se logfilen.</translation>
    </message>
    <message numerus="yes">
        <source>Over %n task(s)</source>
        <translation><numerusform>Over %n opgave</numerusform><numerusform>Over %n opgaver</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n task(s)</source>
        <translation><numerusform>%n opgave</numerusform><numerusform>%n opgaver</numerusform></translation>
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
        <translation>Knop er låst</translation>
    </message>
    <message>
        <source>Password for %1</source>
        <translation>Adgangskode for %1</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Adgangskode</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Lås op</translation>
    </message>
    <message>
        <source>Log in as someone else</source>
        <translation>Log ind som en anden</translation>
    </message>
    <message>
        <source>Type your password.</source>
        <translation>Skriv din adgangskode.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Tjekker…</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <source>Log in to Knop</source>
        <translation>Log ind i Knop</translation>
    </message>
    <message>
        <source>People who have logged in on this computer</source>
        <translation>Personer, der har logget ind på denne computer</translation>
    </message>
    <message>
        <source>Choose your name, or type your username:</source>
        <translation>Vælg dit navn, eller skriv dit brugernavn:</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Brugernavn</translation>
    </message>
    <message>
        <source>e.g. anna</source>
        <translation>f.eks. anna</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Adgangskode</translation>
    </message>
    <message>
        <source>&amp;Username</source>
        <translation>&amp;Brugernavn</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>&amp;Adgangskode</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Log ind</translation>
    </message>
    <message>
        <source>The first time you log in on this computer, Knop needs a connection to the server. After that you can also log in offline for a while.</source>
        <translation>Første gang du logger ind på denne computer, skal Knop have forbindelse til serveren. Derefter kan du i en periode også logge ind uden forbindelse.</translation>
    </message>
    <message>
        <source>Type your username, or choose your name in the list.</source>
        <translation>Skriv dit brugernavn, eller vælg dit navn på listen.</translation>
    </message>
    <message>
        <source>Type your password.</source>
        <translation>Skriv din adgangskode.</translation>
    </message>
    <message>
        <source>Logging in…</source>
        <translation>Logger ind…</translation>
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
        <translation>&amp;Ny opgave…</translation>
    </message>
    <message>
        <source>Post a new task (Ctrl+N)</source>
        <translation>Opret en ny opgave (Ctrl+N)</translation>
    </message>
    <message>
        <source>&amp;Search tasks</source>
        <translation>&amp;Søg i opgaver</translation>
    </message>
    <message>
        <source>Go to the search field on the board (Ctrl+F)</source>
        <translation>Gå til søgefeltet over opgaverne (Ctrl+F)</translation>
    </message>
    <message>
        <source>S&amp;ync now</source>
        <translation>S&amp;ynkronisér nu</translation>
    </message>
    <message>
        <source>Send your changes and fetch new ones now (F5)</source>
        <translation>Send dine ændringer, og hent nye nu (F5)</translation>
    </message>
    <message>
        <source>Needs &amp;attention…</source>
        <translation>Kræver &amp;opmærksomhed…</translation>
    </message>
    <message>
        <source>Changes the server did not accept</source>
        <translation>Ændringer, som serveren ikke godtog</translation>
    </message>
    <message>
        <source>&amp;Board</source>
        <translation>&amp;Opgaver</translation>
    </message>
    <message>
        <source>All tasks (Ctrl+1)</source>
        <translation>Alle opgaver (Ctrl+1)</translation>
    </message>
    <message>
        <source>&amp;My page</source>
        <translation>&amp;Min side</translation>
    </message>
    <message>
        <source>Your bids, tasks and skills (Ctrl+2)</source>
        <translation>Dine bud, opgaver og kompetencer (Ctrl+2)</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>T&amp;ilbage</translation>
    </message>
    <message>
        <source>Back (Alt+Left)</source>
        <translation>Tilbage (Alt+Venstre)</translation>
    </message>
    <message>
        <source>&amp;Lock</source>
        <translation>&amp;Lås</translation>
    </message>
    <message>
        <source>Lock the screen; your password opens it again (Ctrl+L)</source>
        <translation>Lås skærmen; din adgangskode låser op igen (Ctrl+L)</translation>
    </message>
    <message>
        <source>S&amp;witch user…</source>
        <translation>S&amp;kift bruger…</translation>
    </message>
    <message>
        <source>Let someone else log in; your unsent changes are still sent</source>
        <translation>Lad en anden logge ind; dine ændringer bliver stadig sendt</translation>
    </message>
    <message>
        <source>Log &amp;out</source>
        <translation>Log &amp;ud</translation>
    </message>
    <message>
        <source>Log out of Knop</source>
        <translation>Log ud af Knop</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Afslut</translation>
    </message>
    <message>
        <source>Close Knop</source>
        <translation>Luk Knop</translation>
    </message>
    <message>
        <source>&amp;About Knop</source>
        <translation>&amp;Om Knop</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastaturgenveje</translation>
    </message>
    <message>
        <source>&amp;Knop</source>
        <translation>&amp;Knop</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Gå</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hjælp</translation>
    </message>
    <message>
        <source>Navigation</source>
        <translation>Navigation</translation>
    </message>
    <message>
        <source>Logged in as %1</source>
        <translation>Logget ind som %1</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>Medarbejder</translation>
    </message>
    <message>
        <source>Site manager</source>
        <translation>Leder</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>External contributor</source>
        <translation>Ekstern bidragyder</translation>
    </message>
    <message>
        <source>This page cannot be shown. Details are in the log file.</source>
        <translation>Siden kan ikke vises. Detaljerne står i logfilen.</translation>
    </message>
    <message>
        <source>About Knop</source>
        <translation>Om Knop</translation>
    </message>
    <message>
        <source>Knop: a task exchange for the municipality.

Post a task, find colleagues with the right skills, and see what people can do from the work they have done.</source>
        <translation>Knop: en opgavebørs for kommunen.

Slå en opgave op, find kolleger med de rette kompetencer, og se, hvad folk kan, ud fra det arbejde, de har udført.</translation>
    </message>
    <message>
        <source>New task</source>
        <translation>Ny opgave</translation>
    </message>
    <message>
        <source>Search tasks</source>
        <translation>Søg i opgaver</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Synkronisér nu</translation>
    </message>
    <message>
        <source>Board</source>
        <translation>Opgaver</translation>
    </message>
    <message>
        <source>My page</source>
        <translation>Min side</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Tilbage</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Lås</translation>
    </message>
    <message>
        <source>Switch user</source>
        <translation>Skift bruger</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Afslut</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastaturgenveje</translation>
    </message>
    <message>
        <source>Self-test</source>
        <translation>Selvtest</translation>
    </message>
</context>
<context>
    <name>Operation</name>
    <message>
        <source>Posting a task</source>
        <translation>Oprettelse af en opgave</translation>
    </message>
    <message>
        <source>Editing a task</source>
        <translation>Redigering af en opgave</translation>
    </message>
    <message>
        <source>Publishing a task</source>
        <translation>Offentliggørelse af en opgave</translation>
    </message>
    <message>
        <source>Cancelling a task</source>
        <translation>Aflysning af en opgave</translation>
    </message>
    <message>
        <source>Marking a task done</source>
        <translation>Afslutning af en opgave</translation>
    </message>
    <message>
        <source>Confirming a skill</source>
        <translation>Bekræftelse af en kompetence</translation>
    </message>
    <message>
        <source>Placing a bid</source>
        <translation>Bud på en opgave</translation>
    </message>
    <message>
        <source>Changing a bid</source>
        <translation>Ændring af et bud</translation>
    </message>
    <message>
        <source>Withdrawing a bid</source>
        <translation>Tilbagetrækning af et bud</translation>
    </message>
    <message>
        <source>Accepting a bid</source>
        <translation>Accept af et bud</translation>
    </message>
    <message>
        <source>Declining a bid</source>
        <translation>Afvisning af et bud</translation>
    </message>
    <message>
        <source>Writing a comment</source>
        <translation>En kommentar</translation>
    </message>
    <message>
        <source>Adding a skill</source>
        <translation>Tilføjelse af en kompetence</translation>
    </message>
    <message>
        <source>Removing a skill</source>
        <translation>Fjernelse af en kompetence</translation>
    </message>
</context>
<context>
    <name>Shell</name>
    <message>
        <source>The local database is damaged</source>
        <translation>Den lokale database er beskadiget</translation>
    </message>
    <message>
        <source>Move it aside and fetch again</source>
        <translation>Flyt den til side, og hent alt igen</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Log ud</translation>
    </message>
</context>
<context>
    <name>SyncStatusBar</name>
    <message>
        <source>Connection</source>
        <translation>Forbindelse</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Synkronisér nu</translation>
    </message>
    <message>
        <source>Send your changes and fetch new ones now (F5)</source>
        <translation>Send dine ændringer, og hent nye nu (F5)</translation>
    </message>
    <message>
        <source>Not connected to a server</source>
        <translation>Ikke forbundet til en server</translation>
    </message>
    <message>
        <source>Not synced yet</source>
        <translation>Ikke synkroniseret endnu</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Forbundet</translation>
    </message>
    <message>
        <source>Offline: your changes are kept</source>
        <translation>Offline – dine ændringer er gemt</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) waiting to be sent</source>
        <translation><numerusform>%n ændring venter på at blive sendt</numerusform><numerusform>%n ændringer venter på at blive sendt</numerusform></translation>
    </message>
    <message>
        <source>All changes sent</source>
        <translation>Alle ændringer er sendt</translation>
    </message>
    <message numerus="yes">
        <source>Other people on this computer have %n change(s) waiting</source>
        <translation><numerusform>Andre på denne computer har %n ændring, der venter</numerusform><numerusform>Andre på denne computer har %n ændringer, der venter</numerusform></translation>
    </message>
    <message>
        <source>Last sync %1</source>
        <translation>Sidst synkroniseret %1</translation>
    </message>
    <message>
        <source>Never synced</source>
        <translation>Aldrig synkroniseret</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) need your attention</source>
        <translation><numerusform>%n ændring kræver din opmærksomhed</numerusform><numerusform>%n ændringer kræver din opmærksomhed</numerusform></translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Synkroniserer…</translation>
    </message>
    <message>
        <source>Sending changes</source>
        <translation>Sender ændringer</translation>
    </message>
    <message>
        <source>Fetching changes</source>
        <translation>Henter ændringer</translation>
    </message>
    <message>
        <source>Updating what you see</source>
        <translation>Opdaterer visningen</translation>
    </message>
</context>
<context>
    <name>TaskModel</name>
    <message numerus="yes">
        <source>%n bid(s)</source>
        <translation><numerusform>%n bud</numerusform><numerusform>%n bud</numerusform></translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Opgave</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Arbejdssted</translation>
    </message>
    <message>
        <source>Skills</source>
        <translation>Kompetencer</translation>
    </message>
    <message>
        <source>Effort</source>
        <translation>Omfang</translation>
    </message>
    <message>
        <source>Bid deadline</source>
        <translation>Budfrist</translation>
    </message>
    <message>
        <source>Seats / bids</source>
        <translation>Pladser / bud</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>d MMM yyyy</source>
        <translation>d. MMM yyyy</translation>
    </message>
    <message>
        <source>starts %1</source>
        <translation>start %1</translation>
    </message>
    <message>
        <source>%1 of %2 seats filled; %3 active bids</source>
        <translation>%1 af %2 pladser besat; %3 aktive bud</translation>
    </message>
    <message>
        <source>Takes place: %1</source>
        <translation>Finder sted: %1</translation>
    </message>
</context>
</TS>
